namespace TimepointFlash

open System
open FsToolkit.ErrorHandling

/// How hard a model is asked to think, where the provider supports it.
[<RequireQualifiedAccess>]
type ThinkingLevel =
    | None
    | Low
    | Medium
    | High

/// Which models a request may use.
[<RequireQualifiedAccess>]
type ModelPolicy =
    /// Any model the deployment can reach.
    | Any
    /// Open-weight models only (`model_policy: "permissive"`).
    | Permissive

/// Sampling and prompt settings a request may set (`llm_params`); None keeps the step's or preset's value.
type LlmParams = {
    Temperature: float option
    MaxTokens: int option
    TopP: float option
    TopK: int option
    FrequencyPenalty: float option
    PresencePenalty: float option
    RepetitionPenalty: float option
    Stop: string list
    Thinking: ThinkingLevel option
    SystemPromptPrefix: string option
    SystemPromptSuffix: string option
}

/// What a generation request asked for: a preset, explicit models, a policy and parameters. Stored with the
/// timepoint so a background job and a navigation from it run with the same settings.
type GenerationControl = {
    /// None = the deployment's default preset.
    Preset: string option
    TextModel: string option
    ImageModel: string option
    Policy: ModelPolicy
    Params: LlmParams
    /// None = the deployment's `GROUNDING`.
    Grounding: GroundingMode option
}

/// The provider-independent part of a preset: how it adjusts each step's sampling.
type PresetTuning = {
    Name: string
    /// Added to each step's temperature (clamped to 0–2).
    TemperatureShift: float
    /// A ceiling on each step's answer budget.
    MaxTokens: int option
    Thinking: ThinkingLevel option
}

/// What a single model call carries beyond its prompt: the run's preset, model override and extra sampling.
type CallTuning = {
    Preset: string option
    /// An explicit model id for this call's role (translated per provider by the router).
    Model: string option
    Permissive: bool
    TopP: float option
    TopK: int option
    FrequencyPenalty: float option
    PresencePenalty: float option
    RepetitionPenalty: float option
    Stop: string list
    Thinking: ThinkingLevel option
}

/// Which settings and models produced a timepoint.
type Provenance = {
    PresetUsed: string
    TextModelUsed: string option
    ImageModelUsed: string option
    ModelProvider: string option
    GenerationTimeMs: int64 option
}

[<RequireQualifiedAccess>]
module ThinkingLevel =
    /// Every level, in order.
    let all = [
        ThinkingLevel.None
        ThinkingLevel.Low
        ThinkingLevel.Medium
        ThinkingLevel.High
    ]

    /// Wire name.
    let name =
        function
        | ThinkingLevel.None -> "none"
        | ThinkingLevel.Low -> "low"
        | ThinkingLevel.Medium -> "medium"
        | ThinkingLevel.High -> "high"

    /// Parses a wire name, case-insensitively.
    let tryParse (s: string) =
        all
        |> List.tryFind (fun l -> String.Equals(name l, s.Trim(), StringComparison.OrdinalIgnoreCase))

[<RequireQualifiedAccess>]
module LlmParams =
    /// Nothing set.
    let none = {
        Temperature = None
        MaxTokens = None
        TopP = None
        TopK = None
        FrequencyPenalty = None
        PresencePenalty = None
        RepetitionPenalty = None
        Stop = []
        Thinking = None
        SystemPromptPrefix = None
        SystemPromptSuffix = None
    }

    /// Longest system prompt prefix or suffix.
    let maxPromptAddition = 2000

    /// Most stop sequences.
    let maxStop = 4

    let private number name lo hi =
        Decode.optional name (Decode.floatRange lo hi)

    let private text name =
        Decode.optional
            name
            (Decode.string
             |> Decode.check (fun s ->
                 if s.Length > maxPromptAddition then
                     Some $"must be at most {maxPromptAddition} characters (got {s.Length})"
                 else
                     None))

    let private thinking: Decoder<ThinkingLevel> =
        fun path el ->
            let allowed = ThinkingLevel.all |> List.map ThinkingLevel.name |> String.concat ", "

            match el.ValueKind with
            | Text.Json.JsonValueKind.String ->
                match ThinkingLevel.tryParse (el.GetString()) with
                | Some l -> Ok l
                | None -> Decode.fail path $"must be one of {allowed}"
            | _ -> Decode.fail path $"must be one of {allowed}"

    /// One stop sequence or a list of at most `maxStop`.
    let private stopSequences: Decoder<string list> =
        fun path el ->
            match el.ValueKind with
            | Text.Json.JsonValueKind.String -> Decode.string path el |> Result.map List.singleton
            | _ ->
                (Decode.list Decode.string
                 |> Decode.check (fun xs ->
                     if List.length xs > maxStop then
                         Some $"must have at most {maxStop} items (got {List.length xs})"
                     else
                         None))
                    path
                    el

    /// Reads `llm_params`, each value within its documented range (the message names the allowed values).
    let decoder: Decoder<LlmParams> =
        fun path el ->
            if el.ValueKind <> Text.Json.JsonValueKind.Object then
                Decode.fail path "must be an object"
            else
                validation {
                    let! temperature = number "temperature" 0.0 2.0 path el
                    and! maxTokens = Decode.optional "max_tokens" (Decode.intRange 1 32768) path el
                    and! topP = number "top_p" 0.0 1.0 path el
                    and! topK = Decode.optional "top_k" (Decode.intRange 1 Int32.MaxValue) path el
                    and! frequency = number "frequency_penalty" -2.0 2.0 path el
                    and! presence = number "presence_penalty" -2.0 2.0 path el
                    and! repetition = number "repetition_penalty" 0.0 2.0 path el
                    and! stop = Decode.withDefault "stop" [] stopSequences path el
                    and! thinkingLevel = Decode.optional "thinking_level" thinking path el
                    and! prefix = text "system_prompt_prefix" path el
                    and! suffix = text "system_prompt_suffix" path el

                    return {
                        Temperature = temperature
                        MaxTokens = maxTokens
                        TopP = topP
                        TopK = topK
                        FrequencyPenalty = frequency
                        PresencePenalty = presence
                        RepetitionPenalty = repetition
                        Stop = stop
                        Thinking = thinkingLevel
                        SystemPromptPrefix = prefix
                        SystemPromptSuffix = suffix
                    }
                }

    /// Wire form: only the values set.
    let encode (p: LlmParams) =
        Encode.obj [
            match p.Temperature with
            | Some v -> "temperature", Encode.float v
            | None -> ()
            match p.MaxTokens with
            | Some v -> "max_tokens", Encode.int v
            | None -> ()
            match p.TopP with
            | Some v -> "top_p", Encode.float v
            | None -> ()
            match p.TopK with
            | Some v -> "top_k", Encode.int v
            | None -> ()
            match p.FrequencyPenalty with
            | Some v -> "frequency_penalty", Encode.float v
            | None -> ()
            match p.PresencePenalty with
            | Some v -> "presence_penalty", Encode.float v
            | None -> ()
            match p.RepetitionPenalty with
            | Some v -> "repetition_penalty", Encode.float v
            | None -> ()
            if not p.Stop.IsEmpty then
                "stop", Encode.list Encode.string p.Stop
            match p.Thinking with
            | Some v -> "thinking_level", Encode.string (ThinkingLevel.name v)
            | None -> ()
            match p.SystemPromptPrefix with
            | Some v -> "system_prompt_prefix", Encode.string v
            | None -> ()
            match p.SystemPromptSuffix with
            | Some v -> "system_prompt_suffix", Encode.string v
            | None -> ()
        ]

[<RequireQualifiedAccess>]
module ModelPolicy =
    /// Vendor prefixes of open-weight model families (case-insensitive).
    let openWeightPrefixes = [
        "meta-llama/"
        "deepseek/"
        "qwen/"
        "mistralai/"
        "microsoft/"
        "google/gemma"
        "gemma"
        "allenai/"
        "nvidia/"
        "nousresearch/"
        "black-forest-labs/"
        "openrouter/"
        "stability-ai/"
        "timepoint-offline"
    ]

    /// The text model a permissive request uses when it names none.
    let permissiveText = "meta-llama/llama-4-scout-17b-16e-instruct"

    /// The image model a permissive request uses when it names none.
    let permissiveImage = "black-forest-labs/flux.2-pro"

    /// True for an open-weight model id.
    let isOpenWeight (id: string) =
        openWeightPrefixes
        |> List.exists (fun p -> id.StartsWith(p, StringComparison.OrdinalIgnoreCase))

    /// `permissive` for an open-weight id, `restricted` otherwise, `unknown` without one.
    let permissiveness (id: string option) =
        match id with
        | None -> "unknown"
        | Some m when isOpenWeight m -> "permissive"
        | Some _ -> "restricted"

    /// Wire name.
    let name =
        function
        | ModelPolicy.Any -> "any"
        | ModelPolicy.Permissive -> "permissive"

[<RequireQualifiedAccess>]
module GenerationControl =
    /// The deployment's defaults for everything.
    let none = {
        Preset = None
        TextModel = None
        ImageModel = None
        Policy = ModelPolicy.Any
        Params = LlmParams.none
        Grounding = None
    }

    /// The same control with another request's explicit choices laid over it (navigation inherits its source's).
    let overlay (over: GenerationControl) (baseline: GenerationControl) = {
        Preset = over.Preset |> Option.orElse baseline.Preset
        TextModel = over.TextModel |> Option.orElse baseline.TextModel
        ImageModel = over.ImageModel |> Option.orElse baseline.ImageModel
        Policy =
            match over.Policy with
            | ModelPolicy.Permissive -> ModelPolicy.Permissive
            | ModelPolicy.Any -> baseline.Policy
        Params =
            if over.Params = LlmParams.none then
                baseline.Params
            else
                over.Params
        Grounding = over.Grounding |> Option.orElse baseline.Grounding
    }

    let private openWeightPrefixesShown =
        ModelPolicy.openWeightPrefixes |> List.filter (fun p -> p.EndsWith "/")

    /// Why a permissive request cannot run: the proprietary models it names.
    let policyViolations (c: GenerationControl) =
        match c.Policy with
        | ModelPolicy.Any -> []
        | ModelPolicy.Permissive ->
            [ "text_model", c.TextModel; "image_model", c.ImageModel ]
            |> List.choose (fun (field, id) ->
                match id with
                | Some m when not (ModelPolicy.isOpenWeight m) ->
                    let vendors = String.concat ", " openWeightPrefixesShown

                    Some(
                        field,
                        $"model_policy 'permissive' requires open-weight models; '{m}' is proprietary (open-weight vendors: {vendors})"
                    )
                | _ -> None)

    /// The models a run asks for by role, with the permissive defaults filled in.
    let effectiveModels (c: GenerationControl) =
        match c.Policy with
        | ModelPolicy.Any -> c.TextModel, c.ImageModel
        | ModelPolicy.Permissive ->
            Some(defaultArg c.TextModel ModelPolicy.permissiveText),
            Some(defaultArg c.ImageModel ModelPolicy.permissiveImage)

    let private modelId: Decoder<string> =
        Decode.string
        |> Decode.map (fun s -> s.Trim())
        |> Decode.check (fun s ->
            if s.Length > 200 then
                Some "must be at most 200 characters"
            elif s |> Seq.exists (fun c -> Char.IsControl c || Char.IsWhiteSpace c) then
                Some "must not contain spaces or control characters"
            else
                None)

    /// Reads the control fields of a body; `accept` says which preset names are known, `presets` lists them.
    let private decodeWith (accept: string -> bool) (presets: string list) : Decoder<GenerationControl> =
        fun path el -> validation {
            let! preset =
                Decode.optional
                    "preset"
                    (Decode.string
                     |> Decode.map (fun s -> s.Trim().ToLowerInvariant())
                     |> Decode.check (fun s ->
                         if accept s then
                             None
                         else
                             let allowed = String.concat ", " presets
                             Some $"must be one of {allowed}"))
                    path
                    el

            and! text = Decode.optional "text_model" modelId path el
            and! image = Decode.optional "image_model" modelId path el

            and! policy =
                Decode.optional
                    "model_policy"
                    (Decode.string
                     |> Decode.check (fun s ->
                         match s.Trim().ToLowerInvariant() with
                         | "permissive"
                         | "any" -> None
                         | _ -> Some "must be one of permissive, any"))
                    path
                    el

            and! llmParams = Decode.withDefault "llm_params" LlmParams.none LlmParams.decoder path el
            and! grounding = Decode.optional "grounding" GroundingMode.decoder path el

            return {
                Preset = preset
                TextModel = text
                ImageModel = image
                Policy =
                    match policy |> Option.map (fun s -> s.Trim().ToLowerInvariant()) with
                    | Some "permissive" -> ModelPolicy.Permissive
                    | _ -> ModelPolicy.Any
                Params = llmParams
                Grounding = grounding
            }
        }

    /// Reads the control fields of a request body; `presets` are the names a preset may take.
    let decoder (presets: string list) =
        decodeWith (fun s -> List.contains s presets) presets

    /// Reads a stored control (any preset name: a deployment may have changed its presets since).
    let storedDecoder = decodeWith (fun _ -> true) []

    /// Stored form.
    let encode (c: GenerationControl) =
        Encode.obj [
            "preset", Encode.opt Encode.string c.Preset
            "text_model", Encode.opt Encode.string c.TextModel
            "image_model", Encode.opt Encode.string c.ImageModel
            "model_policy", Encode.string (ModelPolicy.name c.Policy)
            "llm_params", LlmParams.encode c.Params
            "grounding", Encode.opt (GroundingMode.name >> Encode.string) c.Grounding
        ]

[<RequireQualifiedAccess>]
module CallTuning =
    /// Nothing beyond the deployment's defaults.
    let none = {
        Preset = None
        Model = None
        Permissive = false
        TopP = None
        TopK = None
        FrequencyPenalty = None
        PresencePenalty = None
        RepetitionPenalty = None
        Stop = []
        Thinking = None
    }

[<RequireQualifiedAccess>]
module Provenance =
    /// Wire fields of a timepoint's provenance (all present, null when unknown).
    let fields (p: Provenance option) =
        let get f = p |> Option.bind f

        [
            "preset_used", Encode.opt Encode.string (p |> Option.map _.PresetUsed)
            "text_model_used", Encode.opt Encode.string (get _.TextModelUsed)
            "image_model_used", Encode.opt Encode.string (get _.ImageModelUsed)
            "model_provider", Encode.opt Encode.string (get _.ModelProvider)
            "model_permissiveness",
            (match p with
             | Some p -> Encode.string (ModelPolicy.permissiveness p.TextModelUsed)
             | None -> Encode.nil)
            "generation_time_ms", Encode.opt Encode.int64 (get _.GenerationTimeMs)
        ]
