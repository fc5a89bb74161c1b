/// Generation control: presets and their overrides, request parameters and their bounds, how a control shapes
/// each model call, provenance, and that per-request settings reach the wire of a fake provider.
module TimepointFlash.Tests.Control

open System
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

let private controlOf (json: string) =
    Decode.fromString (GenerationControl.decoder Presets.names) json

let private errorsOf (json: string) =
    match controlOf json with
    | Ok _ -> []
    | Error errors -> errors |> List.map DecodeError.describe

let private arbControl = Arb.fromGen Persistence.Generators.control

let private hyper = Presets.tuning (Presets.find Presets.defaults "hyper")
let private balanced = Presets.tuning (Presets.find Presets.defaults "balanced")

let private settingsWith vars = settingsOf vars

let private parameters =
    testList "request parameters" [
        test "an unknown preset is refused with the allowed names" {
            let errors = errorsOf """{"preset":"turbo"}"""

            Expect.equal
                errors
                [
                    "preset: must be one of hyper, balanced, hd, gemini3, free_distillable, frontier"
                ]
                "named"
        }

        test "preset names are matched without regard to case or spaces" {
            match controlOf """{"preset":"  HYPER "}""" with
            | Ok c -> Expect.equal c.Preset (Some "hyper") "normalised"
            | Error e -> failwithf "%A" e
        }

        test "every out-of-range parameter is reported at once, each with its range" {
            let suffix = String('x', 2001)

            let errors =
                errorsOf (
                    """{"llm_params":{"temperature":2.5,"top_p":1.5,"top_k":0,"max_tokens":40000,"stop":["a","b","c","d","e"],"thinking_level":"max","system_prompt_suffix":"SUFFIX"}}"""
                        .Replace("SUFFIX", suffix)
                )

            Expect.equal
                errors
                [
                    "llm_params.temperature: must be between 0 and 2, got 2.5"
                    "llm_params.max_tokens: must be between 1 and 32768, got 40000"
                    "llm_params.top_p: must be between 0 and 1, got 1.5"
                    $"llm_params.top_k: must be between 1 and {Int32.MaxValue}, got 0"
                    "llm_params.stop: must have at most 4 items (got 5)"
                    "llm_params.thinking_level: must be one of none, low, medium, high"
                    "llm_params.system_prompt_suffix: must be at most 2000 characters (got 2001)"
                ]
                "all of them"
        }

        test "a permissive request naming a proprietary model is refused for that field" {
            match
                controlOf
                    """{"model_policy":"permissive","text_model":"gpt-4o","image_model":"black-forest-labs/flux"}"""
            with
            | Error e -> failwithf "%A" e
            | Ok c ->
                let violations = GenerationControl.policyViolations c
                Expect.equal (violations |> List.map fst) [ "text_model" ] "only the proprietary one"
                Expect.stringContains (snd violations.Head) "'gpt-4o' is proprietary" "names it"
        }

        testProperty "a stored control reads back as it was written"
        <| Prop.forAll arbControl (fun c ->
            Decode.fromString GenerationControl.storedDecoder (Encode.toString (GenerationControl.encode c)) = Ok c)

        testProperty "overlaying nothing changes nothing, and an overlay on nothing is the overlay"
        <| Prop.forAll arbControl (fun c ->
            GenerationControl.overlay GenerationControl.none c = c
            && GenerationControl.overlay c GenerationControl.none = c)
    ]

let private calls =
    let request: ChatRequest = {
        chat ModelRole.Creative with
            Temperature = 0.7
            MaxTokens = Some 4096
    }

    testList "model calls" [
        testProperty "an explicit temperature and token limit always win; otherwise the temperature stays in 0–2"
        <| Prop.forAll arbControl (fun c ->
            let tuned = Control.chat hyper c request

            let temperatureOk =
                match c.Params.Temperature with
                | Some t -> tuned.Temperature = t
                | None -> tuned.Temperature >= 0.0 && tuned.Temperature <= 2.0

            let tokensOk =
                match c.Params.MaxTokens with
                | Some n -> tuned.MaxTokens = Some n
                | None -> tuned.MaxTokens = Some(min 4096 hyper.MaxTokens.Value)

            temperatureOk && tokensOk)

        test "a preset's ceiling caps a step's budget; balanced keeps the step's own" {
            let c = GenerationControl.none
            Expect.equal (Control.chat hyper c request).MaxTokens (Some 2048) "hyper caps"
            Expect.equal (Control.chat balanced c request).MaxTokens (Some 4096) "balanced keeps"
        }

        test "prefix and suffix wrap the system prompt with blank lines" {
            let c = {
                GenerationControl.none with
                    Params = {
                        LlmParams.none with
                            SystemPromptPrefix = Some "P"
                            SystemPromptSuffix = Some "S"
                    }
            }

            Expect.equal (Control.chat balanced c request).System $"P\n\n{request.System}\n\nS" "wrapped"
        }

        test "a text model replaces the creative model only; permissive also moves the judge" {
            let c = {
                GenerationControl.none with
                    TextModel = Some "qwen/qwen3-30b-a3b"
            }

            Expect.equal (Control.tuning hyper c ModelRole.Creative).Model (Some "qwen/qwen3-30b-a3b") "creative"
            Expect.equal (Control.tuning hyper c ModelRole.Judge).Model None "judge keeps the preset's"

            let permissive = {
                c with
                    Policy = ModelPolicy.Permissive
            }

            Expect.equal (Control.tuning hyper permissive ModelRole.Judge).Model (Some "qwen/qwen3-30b-a3b") "judge"

            Expect.equal
                (Control.tuning hyper permissive ModelRole.Image).Model
                (Some ModelPolicy.permissiveImage)
                "an open-weight image model"
        }

        test "provenance names the model most text steps answered with and the image step's model" {
            let at = DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)

            let report step model provider =
                StepRecord.completed at step {
                    Model = model
                    Provider = provider
                    Usage = { Input = 1; Output = 1 }
                    LatencyMs = 1L
                    Attempts = 1
                }

            let planned = {
                Text = "planned-text"
                Image = "planned-image"
                Provider = "gemini"
            }

            let p =
                Control.provenance
                    "hyper"
                    planned
                    [
                        StepRecord.started at Step.Judge
                        report Step.Judge "judge-model" "gemini"
                        StepRecord.started at Step.Scene
                        report Step.Scene "text-model" "openrouter"
                        report Step.Dialog "text-model" "openrouter"
                        report Step.ImagePrompt "assembler" "none"
                    ]
                    1234L

            Expect.equal
                p
                {
                    PresetUsed = "hyper"
                    TextModelUsed = Some "text-model"
                    ImageModelUsed = Some "planned-image"
                    ModelProvider = Some "openrouter"
                    GenerationTimeMs = Some 1234L
                }
                "actual text model, planned image model"
        }
    ]

let private presets =
    testList "presets" [
        test "the six presets are declared once, balanced is the default and keeps the deployment's models" {
            Expect.equal Presets.names [ "hyper"; "balanced"; "hd"; "gemini3"; "free_distillable"; "frontier" ] "names"
            let s = settingsWith []
            Expect.equal s.Presets.Default "balanced" "default"
            let gemini = Settings.find s ProviderId.Gemini

            let creative =
                Router.modelOf s.Presets gemini ModelRole.Creative {
                    CallTuning.none with
                        Preset = Some "balanced"
                }

            Expect.equal creative (Ok gemini.Models.Creative) "the configured creative model"
        }

        test "PRESET_<NAME>_<SETTING> overrides one preset, on every provider or one" {
            let s =
                settingsWith [
                    "PRESET_HYPER_CREATIVE_MODEL", "gemini-2.0-flash"
                    "PRESET_HYPER_OPENROUTER_JUDGE_MODEL", "qwen/qwen3-30b-a3b"
                    "PRESET_HD_MAX_TOKENS", "1234"
                    "DEFAULT_PRESET", "HD"
                ]

            let hyper = Presets.find s.Presets "hyper"
            Expect.equal (Presets.modelFor hyper ProviderId.Gemini ModelRole.Creative) (Some "gemini-2.0-flash") "all"
            Expect.equal (Presets.modelFor hyper ProviderId.OpenAi ModelRole.Creative) (Some "gemini-2.0-flash") "all"

            Expect.equal
                (Presets.modelFor hyper ProviderId.OpenRouter ModelRole.Judge)
                (Some "qwen/qwen3-30b-a3b")
                "one provider"

            Expect.equal
                (Presets.modelFor hyper ProviderId.Gemini ModelRole.Judge)
                (Some "gemini-2.5-flash-lite")
                "kept"

            Expect.equal (Presets.find s.Presets "hd").MaxTokens (Some 1234) "limit"
            Expect.equal s.Presets.Default "hd" "default"
        }

        test "a bad override, default or file is one line naming its variable" {
            let describe vars =
                match Settings.parse (lookupOf vars) with
                | Ok _ -> "accepted"
                | Error e -> SettingsError.describe e

            Expect.equal
                (describe [ "PRESET_HYPER_MAX_TOKENS", "lots" ])
                "PRESET_HYPER_MAX_TOKENS: must be a whole number between 1 and 32768, got 'lots'"
                "override"

            Expect.equal
                (describe [ "DEFAULT_PRESET", "turbo" ])
                "DEFAULT_PRESET: must be one of hyper, balanced, hd, gemini3, free_distillable, frontier, got 'turbo'"
                "default"

            let file = Path.GetTempFileName()

            try
                File.WriteAllText(file, """{"presets":{"hyper":{"max_tokens":0}}}""")

                Expect.equal
                    (describe [ "PRESETS_FILE", file ])
                    $"PRESETS_FILE: {file}: presets.hyper: max_tokens: must be a whole number between 1 and 32768, got '0'"
                    "file"

                File.WriteAllText(file, "{ not json")

                Expect.stringStarts
                    (describe [ "PRESETS_FILE", file ])
                    $"PRESETS_FILE: {file}: is not valid JSON"
                    "json"

                let line = describe [ "PRESETS_FILE", file ]
                Expect.isFalse (line.Contains '\n') "one line"
            finally
                File.Delete file

            Expect.stringStarts
                (describe [ "PRESETS_FILE", "/nonexistent/presets.json" ])
                "PRESETS_FILE: /nonexistent/presets.json: cannot be read"
                "missing"
        }

        test "a PRESETS_FILE in JSON or YAML sets the default and per-provider models" {
            let json =
                """{"default":"gemini3","presets":{"gemini3":{"thinking_level":"high","models":{"gemini":{"creative":"gemini-3-pro-preview"}}}}}"""

            let yaml =
                "default: gemini3\npresets:\n  gemini3:\n    thinking_level: high\n    models:\n      gemini:\n        creative: gemini-3-pro-preview\n"

            for text, ext in [ json, ".json"; yaml, ".yaml" ] do
                let file = Path.ChangeExtension(Path.GetTempFileName(), ext)

                try
                    File.WriteAllText(file, text)
                    let s = settingsWith [ "PRESETS_FILE", file ]
                    Expect.equal s.Presets.Default "gemini3" ext
                    let g3 = Presets.find s.Presets "gemini3"
                    Expect.equal g3.Thinking (Some ThinkingLevel.High) ext

                    Expect.equal
                        (Presets.modelFor g3 ProviderId.Gemini ModelRole.Creative)
                        (Some "gemini-3-pro-preview")
                        ext

                    Expect.equal
                        (Presets.modelFor g3 ProviderId.Gemini ModelRole.Judge)
                        (Some "gemini-3-flash-preview")
                        "the rest kept"
                finally
                    File.Delete file
        }

        test "the router serves an explicit model in each provider's spelling, or says why it cannot" {
            let s = settingsWith []
            let gemini = Settings.find s ProviderId.Gemini
            let openRouter = Settings.find s ProviderId.OpenRouter

            let tuning = {
                CallTuning.none with
                    Model = Some "gemini-2.0-flash"
            }

            Expect.equal
                (Router.modelOf s.Presets openRouter ModelRole.Creative tuning)
                (Ok "google/gemini-2.0-flash")
                "or"

            Expect.equal (Router.modelOf s.Presets gemini ModelRole.Creative tuning) (Ok "gemini-2.0-flash") "gemini"

            let other = {
                tuning with
                    Model = Some "anthropic/claude-sonnet-4.5"
            }

            Expect.isError (Router.modelOf s.Presets gemini ModelRole.Creative other) "Gemini cannot"

            let permissive = {
                CallTuning.none with
                    Preset = Some "hd"
                    Permissive = true
            }

            Expect.isError
                (Router.modelOf s.Presets openRouter ModelRole.Creative permissive)
                "proprietary preset model"
        }
    ]

/// A Gemini fake that answers every call with 404 (so each step falls back to the offline engine after the
/// request went out) and an API whose primary provider is that fake.
let private withGeminiApi (body: FakeServer -> ApiHost.TestApi -> Threading.Tasks.Task<unit>) = task {
    let! fake = FakeServer.start [ Reply.json 404 (GeminiShapes.error 404 "NOT_FOUND" "no such model here") ]

    try
        let vars =
            geminiAt fake @ [ "PRIMARY_PROVIDER", "gemini"; "FALLBACK_PROVIDER", "offline" ]

        let! api = ApiHost.startWith vars None

        try
            do! body fake api
        finally
            (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
    finally
        (fake :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

let private generateCalls (fake: FakeServer) =
    fake.Requests
    |> List.filter (fun r -> r.Path.Contains ":generateContent" || r.Path.Contains ":streamGenerateContent")
    |> List.map (fun r ->
        let model = r.Path.Split("/models/").[1].Split(':').[0]
        model, JsonDocument.Parse(r.Body).RootElement.Clone())

let private number (path: string list) (e: JsonElement) =
    path
    |> List.fold
        (fun (acc: JsonElement option) name ->
            acc
            |> Option.bind (fun x ->
                match x.TryGetProperty name with
                | true, v -> Some v
                | _ -> None))
        (Some e)
    |> Option.map (fun v -> v.GetDouble())

let private wire =
    testList "on the wire" [
        testTask "a hyper generation sends hyper's models, the text model override and the parameters on every call" {
            do!
                withGeminiApi (fun fake api -> task {
                    let request =
                        """{"query":"the signing of the magna carta 1215","generate_image":true,"preset":"hyper","text_model":"gemini-2.0-flash","llm_params":{"temperature":0.4,"max_tokens":700,"top_p":0.9,"top_k":40,"stop":["END"]}}"""

                    let! (resp: Net.Http.HttpResponseMessage) =
                        ApiHost.postJson api.Client "/api/v1/timepoints/generate/sync" request

                    let! t = ApiHost.body resp
                    Expect.equal (int resp.StatusCode) 200 (t.ToJsonString())
                    Expect.equal fake.Violations [] "every request valid for Gemini"

                    let calls = generateCalls fake
                    let text = calls |> List.filter (fun (m, _) -> not (m.Contains "image"))
                    let images = calls |> List.filter (fun (m, _) -> m.Contains "image")
                    Expect.equal (fst text.Head) "gemini-2.5-flash-lite" "the judge runs first, on hyper's judge model"

                    Expect.equal
                        (text |> List.map fst |> List.distinct |> List.sort)
                        [ "gemini-2.0-flash"; "gemini-2.5-flash-lite" ]
                        "the text model replaces the creative model only"

                    for model, body in text do
                        Expect.equal (number [ "generationConfig"; "temperature" ] body) (Some 0.4) model
                        Expect.equal (number [ "generationConfig"; "maxOutputTokens" ] body) (Some 700.0) model
                        Expect.equal (number [ "generationConfig"; "topP" ] body) (Some 0.9) model
                        Expect.equal (number [ "generationConfig"; "topK" ] body) (Some 40.0) model

                        if model = "gemini-2.5-flash-lite" then
                            Expect.equal
                                (number [ "generationConfig"; "thinkingConfig"; "thinkingBudget" ] body)
                                (Some 0.0)
                                "hyper does not think"

                    Expect.equal (images |> List.map fst) [ "gemini-2.5-flash-image" ] "hyper's image model"

                    Expect.equal (ApiHost.str t "preset_used") "hyper" "preset"
                    Expect.equal (ApiHost.str t "text_model_used") OfflineEngine.modelId "the model that answered"
                    Expect.equal (ApiHost.str t "model_provider") "offline" "provider"
                    Expect.equal (ApiHost.str t "model_permissiveness") "permissive" "our own engine is open"
                    Expect.isGreaterThanOrEqual (t["generation_time_ms"].GetValue<int64>()) 0L "timed"

                    let id = ApiHost.str t "id"
                    let! stored = api.Client.GetStringAsync($"/api/v1/timepoints/{id}")
                    let stored = JsonNode.Parse stored
                    Expect.equal (ApiHost.str stored "preset_used") "hyper" "stored"

                    let slug = ApiHost.str stored "slug"
                    let! (page: string) = api.Client.GetStringAsync($"/t/{slug}")
                    Expect.stringContains page "id=\"provenance\"" "shown on the scene page"
                    Expect.stringContains page "preset hyper" "the preset"
                    Expect.stringContains page "text model timepoint-offline-2" "the text model"
                })
        }

        testTask "navigation inherits the source's preset and models unless the request overrides them" {
            do!
                withGeminiApi (fun fake api -> task {
                    let! (resp: Net.Http.HttpResponseMessage) =
                        ApiHost.postJson
                            api.Client
                            "/api/v1/timepoints/generate/sync"
                            """{"query":"the signing of the magna carta 1215","preset":"hyper","text_model":"gemini-2.0-flash"}"""

                    let! source = ApiHost.body resp
                    let before = (generateCalls fake).Length
                    let id = ApiHost.str source "id"

                    let! (next: Net.Http.HttpResponseMessage) =
                        ApiHost.postJson api.Client $"/api/v1/temporal/{id}/next" """{"units":1,"unit":"day"}"""

                    let! nav = ApiHost.body next
                    Expect.equal (int next.StatusCode) 200 (nav.ToJsonString())
                    let after = generateCalls fake |> List.skip before

                    Expect.equal
                        (after |> List.map fst |> List.distinct |> List.sort)
                        [ "gemini-2.0-flash"; "gemini-2.5-flash-lite" ]
                        "inherited"

                    let! (prior: Net.Http.HttpResponseMessage) =
                        ApiHost.postJson
                            api.Client
                            $"/api/v1/temporal/{id}/prior"
                            """{"units":1,"unit":"day","preset":"hd"}"""

                    let! navPrior = ApiHost.body prior
                    Expect.equal (int prior.StatusCode) 200 (navPrior.ToJsonString())
                    let latest = generateCalls fake |> List.skip (before + after.Length)

                    Expect.equal
                        (latest |> List.map fst |> List.distinct |> List.sort)
                        [ "gemini-2.0-flash"; "gemini-2.5-flash" ]
                        "hd's judge, the inherited text model"
                })
        }

        testTask "a chat with a character of a scene runs with the scene's text model and parameters" {
            do!
                withGeminiApi (fun fake api -> task {
                    let! (resp: Net.Http.HttpResponseMessage) =
                        ApiHost.postJson
                            api.Client
                            "/api/v1/timepoints/generate/sync"
                            """{"query":"assassination of julius caesar","preset":"hyper","text_model":"gemini-2.0-flash","llm_params":{"temperature":0.4}}"""

                    let! source = ApiHost.body resp
                    Expect.equal (int resp.StatusCode) 200 (source.ToJsonString())
                    let before = (generateCalls fake).Length
                    let id = ApiHost.str source "id"

                    let! (chat: Net.Http.HttpResponseMessage) =
                        ApiHost.postJson
                            api.Client
                            $"/api/v1/interactions/{id}/chat"
                            """{"character":"Julius Caesar","message":"Where are we?","response_format":"text"}"""

                    let! answer = ApiHost.body chat
                    Expect.equal (int chat.StatusCode) 200 (answer.ToJsonString())
                    let calls = generateCalls fake |> List.skip before
                    Expect.isNonEmpty calls "the chat called the model"
                    Expect.equal fake.Violations [] "every request valid for Gemini"

                    for model, body in calls do
                        Expect.equal model "gemini-2.0-flash" "the scene's text model"
                        Expect.equal (number [ "generationConfig"; "temperature" ] body) (Some 0.4) "its temperature"
                })
        }

        testTask "a permissive request for a proprietary model is 422 and stores nothing" {
            let! (api: ApiHost.TestApi) = ApiHost.start ()

            try
                for path in [ "generate"; "generate/sync"; "generate/stream" ] do
                    let! (resp: Net.Http.HttpResponseMessage) =
                        ApiHost.postJson
                            api.Client
                            $"/api/v1/timepoints/{path}"
                            """{"query":"rome 50 BCE","model_policy":"permissive","text_model":"anthropic/claude-opus-4.8"}"""

                    let! problem = resp.Content.ReadAsStringAsync()
                    Expect.equal (int resp.StatusCode) 422 path
                    Expect.stringContains problem "is proprietary" path

                let! (list: string) = api.Client.GetStringAsync "/api/v1/timepoints"
                let listed = JsonNode.Parse list
                Expect.equal (listed["total"].GetValue<int>()) 0 "nothing stored"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }

        testTask "the stream's start event echoes the query, generate_image and the preset" {
            let! (api: ApiHost.TestApi) = ApiHost.start ()

            try
                let! (resp: Net.Http.HttpResponseMessage) =
                    ApiHost.postJson
                        api.Client
                        "/api/v1/timepoints/generate/stream"
                        """{"query":"rome 50 BCE","generate_image":false,"preset":"gemini3"}"""

                let! (text: string) = resp.Content.ReadAsStringAsync()
                let first = text.Split('\n') |> Array.find (fun l -> l.StartsWith "data:")
                let data = (JsonNode.Parse(first.Substring 5))["data"]
                Expect.equal (ApiHost.str data "query") "rome 50 BCE" "query"
                Expect.equal (data["generate_image"].GetValue<bool>()) false "image flag"
                Expect.equal (ApiHost.str data "preset") "gemini3" "preset"

                let! (noPreset: Net.Http.HttpResponseMessage) =
                    ApiHost.postJson api.Client "/api/v1/timepoints/generate/stream" """{"query":"rome 50 BCE"}"""

                let! (text: string) = noPreset.Content.ReadAsStringAsync()
                let first = text.Split('\n') |> Array.find (fun l -> l.StartsWith "data:")
                let data = (JsonNode.Parse(first.Substring 5))["data"]
                Expect.equal (ApiHost.str data "preset") "balanced" "the default"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }

        testTask "GET /api/v1/presets lists every preset with its models and the default" {
            let! (api: ApiHost.TestApi) = ApiHost.startWith [ "DEFAULT_PRESET", "hd" ] None

            try
                let! (text: string) = api.Client.GetStringAsync "/api/v1/presets"
                let body = JsonNode.Parse text
                Expect.equal (ApiHost.str body "default") "hd" "default"
                let presets = body["presets"].AsArray() |> Seq.toList
                Expect.equal (presets |> List.map (fun p -> ApiHost.str p "name")) Presets.names "all, in order"

                let hd = presets |> List.find (fun p -> ApiHost.str p "name" = "hd")
                Expect.isTrue (hd["default"].GetValue<bool>()) "flagged"
                Expect.equal (ApiHost.str hd "thinking_level") "high" "thinking"

                Expect.equal
                    (ApiHost.str (hd["providers"]["gemini"]) "text_model")
                    "gemini-3-pro-preview"
                    "per provider"

                Expect.equal (ApiHost.str hd "provider") "offline" "no provider configured here"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }
    ]

/// Every test list of this module.
let tests =
    testList "Control" [ parameters; calls; presets; wire ]
    |> testSequencedGroup "api"
