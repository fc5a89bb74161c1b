namespace TimepointFlash.Engines

open System
open System.Globalization
open System.Text.Encodings.Web
open System.Text.Json
open System.Text.Json.Nodes

/// Small builders and readers for provider wire JSON (System.Text.Json nodes and elements).
[<RequireQualifiedAccess>]
module Json =
    /// Serializer options for wire bodies: compact, UTF-8 text left readable.
    let options =
        JsonSerializerOptions(Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false)

    /// A JSON string value.
    let str (s: string) : JsonNode = JsonValue.Create s

    /// A JSON number from a float.
    let num (f: float) : JsonNode = JsonValue.Create f

    /// A JSON number from an int.
    let integer (i: int) : JsonNode = JsonValue.Create i

    /// A JSON boolean.
    let bool (b: bool) : JsonNode = JsonValue.Create b

    /// A JSON array of nodes.
    let arr (items: JsonNode seq) : JsonNode =
        JsonArray(items |> Seq.toArray) :> JsonNode

    /// A JSON object from ordered (name, node) pairs.
    let obj (props: (string * JsonNode) seq) : JsonObject =
        let o = JsonObject()

        for name, value in props do
            o[name] <- value

        o

    /// A JSON object as a node.
    let objNode (props: (string * JsonNode) seq) : JsonNode = obj props :> JsonNode

    /// Compact text of a node.
    let write (node: JsonNode) = node.ToJsonString options

    /// Parses text into a document, or a short reason.
    let tryParse (text: string) : Result<JsonDocument, string> =
        if String.IsNullOrWhiteSpace text then
            Error "empty body"
        else
            try
                Ok(JsonDocument.Parse text)
            with :? JsonException as e ->
                Error $"invalid JSON ({e.Message.Split('.')[0]})"

    /// The named property of an object element, if present and not null.
    let prop (name: string) (el: JsonElement) =
        if el.ValueKind = JsonValueKind.Object then
            match el.TryGetProperty name with
            | true, v when v.ValueKind <> JsonValueKind.Null && v.ValueKind <> JsonValueKind.Undefined -> Some v
            | _ -> None
        else
            None

    /// Follows a path of property names.
    let path (names: string list) (el: JsonElement) =
        names |> List.fold (fun acc name -> acc |> Option.bind (prop name)) (Some el)

    /// The string value of an element, if it is a string.
    let asString (el: JsonElement) =
        if el.ValueKind = JsonValueKind.String then
            Some(el.GetString())
        else
            None

    /// The int value of an element (number or numeric string).
    let asInt (el: JsonElement) =
        match el.ValueKind with
        | JsonValueKind.Number ->
            match el.TryGetInt64() with
            | true, v when v <= int64 Int32.MaxValue && v >= int64 Int32.MinValue -> Some(int v)
            | _ -> None
        | JsonValueKind.String ->
            match Int32.TryParse(el.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture) with
            | true, v -> Some v
            | _ -> None
        | _ -> None

    /// The float value of an element (number or decimal string).
    let asFloat (el: JsonElement) =
        match el.ValueKind with
        | JsonValueKind.Number -> Some(el.GetDouble())
        | JsonValueKind.String ->
            match Double.TryParse(el.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, v -> Some v
            | _ -> None
        | _ -> None

    /// The items of an array element (empty for anything else).
    let items (el: JsonElement) =
        if el.ValueKind = JsonValueKind.Array then
            el.EnumerateArray() |> Seq.toList
        else
            []
