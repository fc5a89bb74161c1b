namespace TimepointFlash

open System
open System.Collections.Generic
open System.Text.Encodings.Web
open System.Text.Json
open System.Text.Json.Nodes
open System.Text.Unicode
open FsToolkit.ErrorHandling

/// Where and why a JSON value did not decode.
type DecodeError = { Path: string; Message: string }

[<RequireQualifiedAccess>]
module DecodeError =
    /// "path: message" for users and repair prompts.
    let describe (e: DecodeError) = $"{e.Path}: {e.Message}"

    /// All errors, one per line.
    let describeAll (errors: DecodeError list) =
        errors |> List.map describe |> String.concat "\n"

/// Reads a typed value from a JSON element found at a path.
type Decoder<'T> = string -> JsonElement -> Validation<'T, DecodeError>

/// Decoder combinators over System.Text.Json elements, collecting every error.
[<RequireQualifiedAccess>]
module Decode =
    /// A failed decode at a path.
    let fail path message : Validation<'T, DecodeError> =
        Error [ { Path = path; Message = message } ]

    let private kind (el: JsonElement) =
        match el.ValueKind with
        | JsonValueKind.Object -> "an object"
        | JsonValueKind.Array -> "an array"
        | JsonValueKind.String -> "a string"
        | JsonValueKind.Number -> "a number"
        | JsonValueKind.True
        | JsonValueKind.False -> "a boolean"
        | _ -> "null"

    /// A string (numbers are accepted as their text).
    let string: Decoder<string> =
        fun path el ->
            match el.ValueKind with
            | JsonValueKind.String ->
                // Invalid UTF-8 or a lone surrogate escape cannot become a .NET string.
                try
                    Ok(el.GetString() |> Option.ofObj |> Option.defaultValue "")
                with :? InvalidOperationException ->
                    fail path "is not valid Unicode text"
            | JsonValueKind.Number -> Ok(el.GetRawText())
            | _ -> fail path $"expected a string, got {kind el}"

    /// An integer (integral numbers and numeric strings).
    let int: Decoder<int> =
        fun path el ->
            match el.ValueKind with
            | JsonValueKind.Number ->
                match el.TryGetInt32() with
                | true, v -> Ok v
                | _ ->
                    match el.TryGetDouble() with
                    | true, d when Math.Floor d = d && d >= float Int32.MinValue && d <= float Int32.MaxValue ->
                        Ok(Operators.int d)
                    | _ -> fail path $"expected an integer, got {el.GetRawText()}"
            | JsonValueKind.String ->
                match Int32.TryParse(el.GetString().Trim()) with
                | true, v -> Ok v
                | _ -> fail path $"expected an integer, got \"{el.GetString()}\""
            | _ -> fail path $"expected an integer, got {kind el}"

    /// A finite number (numeric strings accepted).
    let float: Decoder<float> =
        fun path el ->
            let ofDouble (d: float) =
                if Double.IsFinite d then
                    Ok d
                else
                    fail path "expected a finite number"

            match el.ValueKind with
            | JsonValueKind.Number -> ofDouble (el.GetDouble())
            | JsonValueKind.String ->
                match Double.TryParse(el.GetString().Trim(), Globalization.CultureInfo.InvariantCulture) with
                | true, v -> ofDouble v
                | _ -> fail path $"expected a number, got \"{el.GetString()}\""
            | _ -> fail path $"expected a number, got {kind el}"

    /// A boolean ("true"/"false" strings accepted).
    let bool: Decoder<bool> =
        fun path el ->
            match el.ValueKind with
            | JsonValueKind.True -> Ok true
            | JsonValueKind.False -> Ok false
            | JsonValueKind.String when el.GetString().Trim().ToLowerInvariant() = "true" -> Ok true
            | JsonValueKind.String when el.GetString().Trim().ToLowerInvariant() = "false" -> Ok false
            | _ -> fail path $"expected true or false, got {kind el}"

    /// An array of items, each decoded at path[i].
    let list (item: Decoder<'T>) : Decoder<'T list> =
        fun path el ->
            match el.ValueKind with
            | JsonValueKind.Array ->
                let mutable i = 0
                let mutable values = []
                let mutable errors = []

                for x in el.EnumerateArray() do
                    match
                        item (String.Concat(path, "[", i.ToString(Globalization.CultureInfo.InvariantCulture), "]")) x
                    with
                    | Ok v -> values <- v :: values
                    | Error e -> errors <- e :: errors

                    i <- i + 1

                if errors.IsEmpty then
                    Ok(List.rev values)
                else
                    Error(errors |> List.rev |> List.concat)
            | _ -> fail path $"expected an array, got {kind el}"

    /// Applies a function to the decoded value.
    let map (f: 'A -> 'B) (d: Decoder<'A>) : Decoder<'B> =
        fun path el -> d path el |> Result.map f

    /// Checks the decoded value; the check returns an error message or None.
    let check (f: 'A -> string option) (d: Decoder<'A>) : Decoder<'A> =
        fun path el ->
            d path el
            |> Result.bind (fun v ->
                match f v with
                | None -> Ok v
                | Some message -> fail path message)

    /// An integer within [lo, hi].
    let intRange lo hi =
        int
        |> check (fun v ->
            if v < lo || v > hi then
                Some $"must be between {lo} and {hi}, got {v}"
            else
                None)

    /// A number within [lo, hi].
    let floatRange (lo: float) (hi: float) =
        float
        |> check (fun v ->
            if v < lo || v > hi then
                Some $"must be between {lo} and {hi}, got {v}"
            else
                None)

    /// One of a fixed set of names, matched ignoring case: a client generated from the OpenAPI document may send an
    /// enum's member name (`Auto` for `auto`). Anything else, or a non-string, names the choices.
    let named (choices: (string * 'T) list) : Decoder<'T> =
        fun path el ->
            let allowed = choices |> List.map fst |> String.concat ", "

            match el.ValueKind with
            | JsonValueKind.String ->
                let s = el.GetString()

                match
                    choices
                    |> List.tryFind (fun (n, _) -> String.Equals(n, s, StringComparison.OrdinalIgnoreCase))
                with
                | Some(_, v) -> Ok v
                | None -> fail path $"must be one of {allowed}, got \"{String.truncate 40 s}\""
            | _ -> fail path $"must be one of {allowed}"

    /// A string that is not blank, trimmed.
    let nonBlank: Decoder<string> =
        string
        |> map (fun s -> s.Trim())
        |> check (fun s -> if s = "" then Some "must not be empty" else None)

    let private tryProperty (name: string) (el: JsonElement) =
        match el.ValueKind with
        | JsonValueKind.Object ->
            match el.TryGetProperty name with
            | true, v when v.ValueKind <> JsonValueKind.Null && v.ValueKind <> JsonValueKind.Undefined -> Some v
            | _ -> None
        | _ -> None

    let private child (path: string) name =
        if path = "" then name else String.Concat(path, ".", name)

    /// A required property (absent or null is an error).
    let field name (d: Decoder<'T>) : Decoder<'T> =
        fun path el ->
            if el.ValueKind <> JsonValueKind.Object then
                fail path $"expected an object, got {kind el}"
            else
                match tryProperty name el with
                | Some v -> d (child path name) v
                | None -> fail (child path name) "is required"

    /// An optional property: absent, null or a blank string give None.
    let optional name (d: Decoder<'T>) : Decoder<'T option> =
        fun path el ->
            match tryProperty name el with
            | Some v when v.ValueKind = JsonValueKind.String && String.IsNullOrWhiteSpace(v.GetString()) -> Ok None
            | Some v -> d (child path name) v |> Result.map Some
            | None -> Ok None

    /// A property with a default when absent or null.
    let withDefault name (fallback: 'T) (d: Decoder<'T>) : Decoder<'T> =
        fun path el ->
            match tryProperty name el with
            | Some v -> d (child path name) v
            | None -> Ok fallback

    /// A list property defaulting to empty; a single bare string becomes a one-item list.
    let listOrEmpty name (item: Decoder<'T>) : Decoder<'T list> =
        fun path el ->
            match tryProperty name el with
            | Some v when v.ValueKind = JsonValueKind.Array -> list item (child path name) v
            | Some v -> item (child path name) v |> Result.map List.singleton
            | None -> Ok []

    /// An optional string property, trimmed; blank gives None.
    let text name : Decoder<string option> =
        optional name (string |> map (fun s -> s.Trim()))
        |> fun d -> fun path el -> d path el |> Result.map (Option.bind String.nonBlank)

    /// A string property with a default, trimmed.
    let textOr name (fallback: string) : Decoder<string> =
        fun path el -> text name path el |> Result.map (Option.defaultValue fallback)

    /// Decodes a whole JSON document.
    let fromString (d: Decoder<'T>) (json: string) : Validation<'T, DecodeError> =
        try
            use doc = JsonDocument.Parse(json, JsonDocumentOptions(AllowTrailingCommas = true))
            // Decoders copy out what they keep (strings, numbers), so the document can be read in place.
            d "" doc.RootElement
        with :? JsonException as e ->
            fail "" $"not valid JSON ({e.Message})"

    /// Decodes a JsonNode.
    let fromNode (d: Decoder<'T>) (node: JsonNode) : Validation<'T, DecodeError> =
        match node with
        | null -> fail "" "expected a value, got null"
        | n -> fromString d (n.ToJsonString())

/// Encoders to JsonNode; properties keep their given order so wire output is stable.
[<RequireQualifiedAccess>]
module Encode =
    /// A string value.
    let string (s: string) : JsonNode = JsonValue.Create s
    /// An integer value.
    let int (i: int) : JsonNode = JsonValue.Create i
    /// A 64-bit integer value.
    let int64 (i: int64) : JsonNode = JsonValue.Create i
    /// A number value.
    let float (f: float) : JsonNode = JsonValue.Create f
    /// A boolean value.
    let bool (b: bool) : JsonNode = JsonValue.Create b
    /// JSON null.
    let nil: JsonNode = null

    /// An optional value: None is null.
    let opt (f: 'T -> JsonNode) (x: 'T option) : JsonNode =
        x |> Option.map f |> Option.defaultValue null

    /// An array.
    let list (f: 'T -> JsonNode) (xs: 'T seq) : JsonNode =
        JsonArray(xs |> Seq.map f |> Array.ofSeq) :> JsonNode

    /// An object with properties in the given order.
    let obj (props: (string * JsonNode) list) : JsonNode =
        JsonObject(props |> Seq.map (fun (k, v) -> KeyValuePair(k, v))) :> JsonNode

    /// Serializer settings for the wire: compact, non-ASCII kept, HTML-sensitive characters escaped.
    let options =
        JsonSerializerOptions(Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), WriteIndented = false)

    /// Indented variant for people.
    let indentedOptions =
        JsonSerializerOptions(Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), WriteIndented = true)

    /// Compact JSON text.
    let toString (node: JsonNode) =
        match node with
        | null -> "null"
        | n -> n.ToJsonString options

    /// Indented JSON text.
    let toIndentedString (node: JsonNode) =
        match node with
        | null -> "null"
        | n -> n.ToJsonString indentedOptions
