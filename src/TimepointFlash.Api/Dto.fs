namespace TimepointFlash.Api

open System
open FsToolkit.ErrorHandling
open TimepointFlash

/// A requested callback (`callback_url`, `request_context`), checked against the SSRF rules by the handler.
type CallbackBody = {
    Url: string
    Context: Text.Json.Nodes.JsonNode option
}

/// A generation request body.
type GenerateBody = {
    Query: string
    GenerateImage: bool
    Callback: CallbackBody option
    /// Preset, models, model policy and llm_params.
    Control: GenerationControl
}

/// A navigation request body.
type NavigateBody = {
    Units: int
    Unit: TimeUnit
    Background: bool
    Callback: CallbackBody option
    /// Overrides of the source scene's preset, models and parameters.
    Control: GenerationControl
}

/// Request bodies and query parameters, decoded and validated at the edge.
[<RequireQualifiedAccess>]
module Dto =
    /// Shortest and longest query after trimming.
    let queryLength = 3, 500

    let private hasControl (s: string) =
        s
        |> Seq.exists (fun c -> Char.IsControl c && c <> '\n' && c <> '\r' && c <> '\t')

    /// A JSON string only (numbers are not coerced to text at the API).
    let private strictString: Decoder<string> =
        fun path el ->
            match el.ValueKind with
            | Text.Json.JsonValueKind.String -> Decode.string path el
            | _ -> Decode.fail path "must be a string"

    /// A query: a string of 3–500 characters after trimming, without control characters.
    let query: Decoder<string> =
        strictString
        |> Decode.check (fun s ->
            if hasControl s then
                Some "must not contain control characters"
            else
                None)
        |> Decode.map (fun s ->
            String.Join(" ", s.Split([| ' '; '\n'; '\r'; '\t' |], StringSplitOptions.RemoveEmptyEntries)))
        |> Decode.check (fun s ->
            let lo, hi = queryLength

            if s.Length < lo || s.Length > hi then
                Some $"must be between {lo} and {hi} characters after trimming (got {s.Length})"
            else
                None)

    /// A strict boolean (no string coercion at the API).
    let private strictBool: Decoder<bool> =
        fun path el ->
            match el.ValueKind with
            | Text.Json.JsonValueKind.True -> Ok true
            | Text.Json.JsonValueKind.False -> Ok false
            | _ -> Decode.fail path "must be true or false"

    /// A strict integer (no strings, no fractions).
    let private strictInt: Decoder<int> =
        fun path el ->
            match el.ValueKind with
            | Text.Json.JsonValueKind.Number ->
                match el.TryGetInt32() with
                | true, v -> Ok v
                | _ ->
                    Decode.fail path $"must be a whole number within range, got {String.truncate 40 (el.GetRawText())}"
            | _ -> Decode.fail path "must be a whole number"

    /// `callback_url` (a string) and `request_context` (an object, echoed back); the context needs a URL.
    let callback: Decoder<CallbackBody option> =
        fun path el -> validation {
            let! url = Decode.optional "callback_url" strictString path el

            and! context =
                Decode.optional
                    "request_context"
                    (fun p (c: Text.Json.JsonElement) ->
                        match c.ValueKind with
                        | Text.Json.JsonValueKind.Object -> Ok(Text.Json.Nodes.JsonNode.Parse(c.GetRawText()))
                        | _ -> Decode.fail p "must be an object")
                    path
                    el

            return url |> Option.map (fun u -> { Url = u; Context = context })
        }

    /// The generation control fields of a body: a known preset, parameters in range, and under
    /// `model_policy: "permissive"` open-weight models only (all answered 422 before anything is stored).
    let control (presets: string list) : Decoder<GenerationControl> =
        fun path el ->
            GenerationControl.decoder presets path el
            |> Result.bind (fun c ->
                match GenerationControl.policyViolations c with
                | [] -> Ok c
                | violations ->
                    Error(
                        violations
                        |> List.map (fun (field, message) -> { Path = field; Message = message })
                    ))

    /// The body of the generate endpoints; `presets` are the names a preset may take.
    let generate (presets: string list) : Decoder<GenerateBody> =
        fun path el -> validation {
            let! q = Decode.field "query" query path el
            and! image = Decode.withDefault "generate_image" false strictBool path el
            and! c = control presets path el
            and! cb = callback path el

            return {
                Query = q
                GenerateImage = image
                Callback = cb
                Control = c
            }
        }

    /// A time unit name, read by `TimeUnit.parse` (any case, singular or plural, trimmed), so the API accepts what
    /// the CLI, MCP tools and UI accept; the message lists the unit names from the same vocabulary.
    let unit: Decoder<TimeUnit> =
        let refused =
            "must be one of "
            + (TimeUnit.all |> List.map TimeUnit.name |> String.concat ", ")

        fun path el ->
            match el.ValueKind with
            | Text.Json.JsonValueKind.String ->
                match TimeUnit.parse (el.GetString()) with
                | Ok u -> Ok u
                | Error _ -> Decode.fail path refused
            | _ -> Decode.fail path refused

    /// The body of the navigation endpoints; `presets` are the names a preset may take.
    let navigate (presets: string list) : Decoder<NavigateBody> =
        fun path el -> validation {
            let! units =
                Decode.withDefault
                    "units"
                    1
                    (strictInt
                     |> Decode.check (fun n ->
                         if n < 1 || n > 365 then
                             Some $"must be between 1 and 365, got {n}"
                         else
                             None))
                    path
                    el

            and! u = Decode.withDefault "unit" TimeUnit.Day unit path el
            and! background = Decode.withDefault "background" false strictBool path el
            and! cb = callback path el
            and! c = control presets path el

            return {
                Units = units
                Unit = u
                Background = background
                Callback = cb
                Control = c
            }
        }

    /// An integer query parameter within bounds, with a default when absent.
    let intParam (name: string) (fallback: int) (lo: int) (hi: int) (value: string option) =
        match value with
        | None -> Ok fallback
        | Some s ->
            match Int32.TryParse s with
            | true, v when v >= lo && v <= hi -> Ok v
            | true, v ->
                Error [
                    {
                        Path = name
                        Message = $"must be between {lo} and {hi}, got {v}"
                    }
                ]
            | _ ->
                Error [
                    {
                        Path = name
                        Message = $"must be a whole number between {lo} and {hi}"
                    }
                ]

    /// A boolean query parameter.
    let boolParam (name: string) (fallback: bool) (value: string option) =
        match value |> Option.map (fun s -> s.ToLowerInvariant()) with
        | None -> Ok fallback
        | Some("true" | "1" | "yes") -> Ok true
        | Some("false" | "0" | "no") -> Ok false
        | Some _ ->
            Error [
                {
                    Path = name
                    Message = "must be true or false"
                }
            ]

    /// A status filter.
    let statusParam (value: string option) =
        match value with
        | None -> Ok None
        | Some s ->
            match TimepointStatus.tryParse s with
            | Some st -> Ok(Some st)
            | None ->
                Error [
                    {
                        Path = "status"
                        Message = "must be one of pending, processing, completed, failed"
                    }
                ]

    /// A listing position: a `next_cursor` the service gave out.
    let cursorParam (value: string option) =
        match value with
        | None -> Ok None
        | Some text ->
            match PageCursor.tryParse text with
            | Some c -> Ok(Some c)
            | None ->
                Error [
                    {
                        Path = "cursor"
                        Message = "must be a next_cursor from a previous page"
                    }
                ]

    /// A free-text search filter (at most 200 characters, no control characters).
    let searchParam (value: string option) =
        match value with
        | None -> Ok None
        | Some s when s.Length > 200 ->
            Error [
                {
                    Path = "q"
                    Message = "must be at most 200 characters"
                }
            ]
        | Some s when hasControl s ->
            Error [
                {
                    Path = "q"
                    Message = "must not contain control characters"
                }
            ]
        | Some s -> Ok(Some s)

    /// A timepoint id from the route; None when it is not a GUID.
    let id (text: string) =
        match Guid.TryParse text with
        | true, g -> Some g
        | _ -> None
