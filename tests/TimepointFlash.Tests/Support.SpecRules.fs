/// What each real API would reject in a request: the vendored schemas (Specs/*.json) plus the rules the official
/// documents state in prose (Specs/README.md), and the error answer each API gives for a rejected request.
module TimepointFlash.Tests.Support.SpecRules

open System
open System.Text.Json
open System.Text.RegularExpressions
open TimepointFlash.Tests.Support.SpecValidator

/// Which documented API a fake server imitates.
[<RequireQualifiedAccess>]
type Api =
    | Gemini
    | OpenAi
    | OpenRouter

let private openAiSpec = lazy (load "openai.schema.json")
let private geminiSpec = lazy (load "gemini.v1beta.schema.json")
let private openRouterSpec = lazy (load "openrouter.schema.json")

let private parse (body: string) =
    try
        Some(JsonDocument.Parse(body).RootElement.Clone())
    with :? JsonException ->
        None

let private str (name: string) (e: JsonElement) =
    match e.ValueKind, e.TryGetProperty name with
    | JsonValueKind.Object, (true, v) when v.ValueKind = JsonValueKind.String -> Some(v.GetString())
    | _ -> None

let private has (name: string) (e: JsonElement) =
    e.ValueKind = JsonValueKind.Object && fst (e.TryGetProperty name)

let private child (name: string) (e: JsonElement) =
    match e.ValueKind, e.TryGetProperty name with
    | JsonValueKind.Object, (true, v) -> Some v
    | _ -> None

/// OpenAI reasoning models, as the reasoning guide names them (o-series, gpt-5 family).
let private reasoningModel = Regex(@"^(o\d|gpt-5)", RegexOptions.IgnoreCase)

/// Structured Outputs: with `strict: true` every object needs `additionalProperties: false` and all its
/// properties in `required`.
let rec strictProblems (path: string) (schema: JsonElement) : string list = [
    if schema.ValueKind = JsonValueKind.Object then
        match child "properties" schema with
        | Some props ->
            let names = props.EnumerateObject() |> Seq.map _.Name |> Set.ofSeq

            let required =
                child "required" schema
                |> Option.map (fun r -> r.EnumerateArray() |> Seq.map _.GetString() |> Set.ofSeq)
                |> Option.defaultValue Set.empty

            if required <> names then
                yield $"{path}: strict mode needs every property in required (missing {Set.difference names required})"

            match child "additionalProperties" schema with
            | Some a when a.ValueKind = JsonValueKind.False -> ()
            | _ -> yield $"{path}: strict mode needs additionalProperties: false"

            for p in props.EnumerateObject() do
                yield! strictProblems $"{path}.{p.Name}" p.Value
        | None -> ()

        match child "items" schema with
        | Some items -> yield! strictProblems $"{path}[]" items
        | None -> ()
]

let private openAiChatRules (root: JsonElement) = [
    let model = str "model" root |> Option.defaultValue ""

    if reasoningModel.IsMatch model then
        if has "max_tokens" root then
            yield "max_tokens: not supported with this model, use max_completion_tokens"

        match child "temperature" root with
        | Some t when t.ValueKind = JsonValueKind.Number && t.GetDouble() <> 1.0 ->
            yield "temperature: only the default (1) is supported with this model"
        | _ -> ()

    match child "response_format" root with
    | Some format when str "type" format = Some "json_schema" ->
        match child "json_schema" format with
        | Some js when (child "strict" js |> Option.exists (fun s -> s.ValueKind = JsonValueKind.True)) ->
            match child "schema" js with
            | Some schema -> yield! strictProblems "response_format.json_schema.schema" schema
            | None -> yield "response_format.json_schema.schema: required in strict mode"
        | _ -> ()
    | _ -> ()
]

let private openAiImageRules (root: JsonElement) = [
    let model = (str "model" root |> Option.defaultValue "dall-e-2").ToLowerInvariant()
    let gptImage = model.StartsWith "gpt-image" || model.StartsWith "chatgpt-image"

    if gptImage && has "response_format" root then
        yield "response_format: not supported for GPT image models (they always return b64_json)"

    let sizes =
        if model.StartsWith "dall-e-2" then
            [ "256x256"; "512x512"; "1024x1024" ]
        elif model.StartsWith "dall-e-3" then
            [ "1024x1024"; "1792x1024"; "1024x1792" ]
        else
            [ "auto"; "1024x1024"; "1536x1024"; "1024x1536" ]

    match str "size" root with
    | Some size when not (List.contains size sizes) -> yield $"size: '{size}' is not supported by {model}"
    | _ -> ()

    let limit =
        if model.StartsWith "dall-e-2" then 1000
        elif model.StartsWith "dall-e-3" then 4000
        else 32000

    match str "prompt" root with
    | Some p when p.Length > limit -> yield $"prompt: longer than {limit} characters"
    | _ -> ()
]

let private geminiRules (model: string) (root: JsonElement) = [
    match child "generationConfig" root |> Option.bind (child "thinkingConfig") with
    | Some thinking ->
        if has "thinkingBudget" thinking && has "thinkingLevel" thinking then
            yield "thinkingConfig: thinkingBudget and thinkingLevel cannot both be set"

        if model.StartsWith "gemini-2.5" && has "thinkingLevel" thinking then
            yield "thinkingConfig.thinkingLevel: not supported by Gemini 2.5 models (use thinkingBudget)"

        match child "thinkingBudget" thinking with
        | Some b when model.StartsWith "gemini-2.5-pro" && b.GetInt32() <> -1 && b.GetInt32() < 128 ->
            yield "thinkingConfig.thinkingBudget: Gemini 2.5 Pro needs 128-32768 (it cannot turn thinking off)"
        | _ -> ()
    | None -> ()

    let mime =
        child "generationConfig" root
        |> Option.bind (child "responseMimeType")
        |> Option.map (fun m -> m.GetString())

    if
        has "tools" root
        && mime = Some "application/json"
        && not (model.StartsWith "gemini-3")
    then
        yield "tools: a tool with responseMimeType 'application/json' is supported from Gemini 3 only"
]

let private openRouterRules (root: JsonElement) = [
    match child "reasoning" root with
    | Some r when has "effort" r && has "max_tokens" r ->
        yield "reasoning: effort and max_tokens are mutually exclusive"
    | _ -> ()
]

let private validated (spec: SpecDocument) (definition: string) (rules: JsonElement -> string list) (body: string) =
    match validate spec definition body with
    | [] ->
        match parse body with
        | Some root -> rules root
        | None -> [ "body is not JSON" ]
    | problems -> problems

let private geminiModel =
    Regex(@"/v1beta/models/([^/:]+):(generateContent|streamGenerateContent|predict)$")

/// Why the real API would reject this request (empty when it would accept it).
let problems (api: Api) (method: string) (path: string) (body: string) : string list =
    let query =
        if path.Contains '?' then
            path.Substring(path.IndexOf '?')
        else
            ""

    let path = (path.Split '?').[0]

    match api with
    | _ when method = "GET" && path.EndsWith "/models" -> []
    | Api.Gemini ->
        let m = geminiModel.Match path

        match m.Success, (if m.Success then m.Groups[2].Value else "") with
        | true, "generateContent" ->
            validated geminiSpec.Value "GenerateContentRequest" (geminiRules m.Groups[1].Value) body
        | true, "streamGenerateContent" -> [
            yield! validated geminiSpec.Value "GenerateContentRequest" (geminiRules m.Groups[1].Value) body
            // without alt=sse the API streams one JSON array instead of server-sent events
            if not (query.Contains "alt=sse") then
                $"{path}: streamGenerateContent without alt=sse answers a JSON array, not server-sent events"
          ]
        | true, _ -> validated geminiSpec.Value "PredictRequest" (fun _ -> []) body
        | false, _ -> [ $"{method} {path}: no such Gemini endpoint" ]
    | Api.OpenAi when path.EndsWith "/chat/completions" ->
        validated openAiSpec.Value "CreateChatCompletionRequest" openAiChatRules body
    | Api.OpenAi when path.EndsWith "/images/generations" ->
        validated openAiSpec.Value "CreateImageRequest" openAiImageRules body
    | Api.OpenRouter when path.EndsWith "/chat/completions" ->
        validated openRouterSpec.Value "ChatRequest" openRouterRules body
    | _ -> [ $"{method} {path}: no such endpoint" ]

/// The first property a problem names (`response_format` for "CreateChatCompletionRequest.response_format…").
let private param (problem: string) =
    let m = Regex.Match(problem, @"^(?:[A-Za-z]+Request)?\.?([a-z_]+)")
    if m.Success then Some m.Groups[1].Value else None

/// The 400 answer the API gives for a rejected request, in its documented error shape.
let rejection (api: Api) (problems: string list) : int * string =
    let message = String.Join("; ", problems)
    let q (s: string) = JsonSerializer.Serialize s

    match api with
    | Api.OpenAi ->
        let param =
            problems
            |> List.tryHead
            |> Option.bind param
            |> Option.map q
            |> Option.defaultValue "null"

        400,
        """{"error":{"message":"""
        + q message
        + ""","type":"invalid_request_error","param":"""
        + param
        + ""","code":null}}"""
    | Api.OpenRouter -> 400, """{"error":{"code":400,"message":""" + q message + "}}"
    | Api.Gemini ->
        400,
        """{"error":{"code":400,"message":"""
        + q message
        + ""","status":"INVALID_ARGUMENT"}}"""
