namespace TimepointFlash.Engines

open System
open System.IO
open System.Text.Json
open TimepointFlash

/// The one declaration of the presets, and their per-deployment overrides (`PRESET_<NAME>_<SETTING>`,
/// `PRESETS_FILE`, `DEFAULT_PRESET`).
[<RequireQualifiedAccess>]
module Presets =
    let private models judge creative image = {
        JudgeModel = Some judge
        CreativeModel = Some creative
        ImageModel = Some image
    }

    /// The built-in presets, in the order they are listed.
    let builtIn: Preset list = [
        {
            Name = "hyper"
            Label = "Hyper Speed"
            Description = "Fastest: small flash models, short answers, no extended thinking."
            Models = [
                ProviderId.Gemini, models "gemini-2.5-flash-lite" "gemini-2.5-flash" "gemini-2.5-flash-image"
                ProviderId.OpenRouter,
                models "google/gemini-2.5-flash-lite" "google/gemini-2.5-flash" "google/gemini-2.5-flash-image"
                ProviderId.OpenAi, models "gpt-4o-mini" "gpt-4o-mini" "gpt-image-1"
            ]
            MaxTokens = Some 2048
            TemperatureShift = 0.0
            Thinking = Some ThinkingLevel.None
        }
        {
            Name = "balanced"
            Label = "Balanced"
            Description = "The deployment's configured models (JUDGE_MODEL, CREATIVE_MODEL, IMAGE_MODEL) as they are."
            Models = []
            MaxTokens = None
            TemperatureShift = 0.0
            Thinking = None
        }
        {
            Name = "hd"
            Label = "HD Quality"
            Description = "Best quality: pro models, deep thinking, the high-resolution image model."
            Models = [
                ProviderId.Gemini, models "gemini-2.5-flash" "gemini-3-pro-preview" "gemini-3-pro-image-preview"
                ProviderId.OpenRouter,
                models "google/gemini-2.5-flash" "google/gemini-3-pro-preview" "google/gemini-3-pro-image-preview"
                ProviderId.OpenAi, models "gpt-4o" "gpt-5" "gpt-image-1"
            ]
            MaxTokens = None
            TemperatureShift = 0.0
            Thinking = Some ThinkingLevel.High
        }
        {
            Name = "gemini3"
            Label = "Gemini 3 Flash"
            Description = "Gemini 3 Flash for every text step, Gemini 2.5 Flash Image for pictures."
            Models = [
                ProviderId.Gemini, models "gemini-3-flash-preview" "gemini-3-flash-preview" "gemini-2.5-flash-image"
                ProviderId.OpenRouter,
                models "google/gemini-3-flash-preview" "google/gemini-3-flash-preview" "google/gemini-2.5-flash-image"
            ]
            MaxTokens = None
            TemperatureShift = 0.0
            Thinking = Some ThinkingLevel.Medium
        }
        {
            Name = "free_distillable"
            Label = "Free Distillable"
            Description = "Free OpenRouter models whose outputs may be used for distillation."
            Models = [
                ProviderId.OpenRouter,
                models "openrouter/healer-alpha" "openrouter/hunter-alpha" "stability-ai/sd3.5-large"
            ]
            MaxTokens = Some 4096
            TemperatureShift = 0.0
            Thinking = Some ThinkingLevel.None
        }
        {
            Name = "frontier"
            Label = "Frontier"
            Description = "The strongest proprietary models for every text step."
            Models = [
                ProviderId.OpenRouter,
                models "anthropic/claude-opus-4.8" "anthropic/claude-opus-4.8" "google/gemini-3-pro-image-preview"
                ProviderId.Gemini, models "gemini-3-pro-preview" "gemini-3-pro-preview" "gemini-3-pro-image-preview"
                ProviderId.OpenAi, models "gpt-5" "gpt-5" "gpt-image-1"
            ]
            MaxTokens = Some 4096
            TemperatureShift = 0.0
            Thinking = Some ThinkingLevel.High
        }
    ]

    /// Every preset name, in listing order.
    let names = builtIn |> List.map _.Name

    let private knownNames = String.concat ", " names

    /// The preset used when DEFAULT_PRESET is unset.
    let defaultName = "balanced"

    /// The built-in table.
    let defaults = {
        Default = defaultName
        Presets = builtIn
    }

    /// A preset by name (the default preset for an unknown one).
    let find (table: PresetTable) (name: string) =
        table.Presets
        |> List.tryFind (fun p -> p.Name = name)
        |> Option.defaultWith (fun () -> table.Presets |> List.find (fun p -> p.Name = table.Default))

    /// The provider-independent part of a preset, as the application applies it.
    let tuning (p: Preset) : PresetTuning = {
        Name = p.Name
        TemperatureShift = p.TemperatureShift
        MaxTokens = p.MaxTokens
        Thinking = p.Thinking
    }

    /// The model a preset picks for a role on a provider, if it picks one.
    let modelFor (p: Preset) (provider: ProviderId) (role: ModelRole) =
        p.Models
        |> List.tryFind (fun (id, _) -> id = provider)
        |> Option.bind (fun (_, m) ->
            match role with
            | ModelRole.Judge -> m.JudgeModel
            | ModelRole.Creative -> m.CreativeModel
            | ModelRole.Image -> m.ImageModel)

    // ---- overrides ---------------------------------------------------------------------------------------------

    /// The settings a deployment may override per preset, as `PRESET_<NAME>_<SETTING>` or a PRESETS_FILE key.
    let settingNames = [
        "JUDGE_MODEL"
        "CREATIVE_MODEL"
        "IMAGE_MODEL"
        "MAX_TOKENS"
        "TEMPERATURE_SHIFT"
        "THINKING_LEVEL"
    ]

    let private setModel (provider: ProviderId option) (role: ModelRole) (value: string) (p: Preset) =
        let providers =
            match provider with
            | Some id -> [ id ]
            | None -> ProviderId.all

        let update (m: PresetModels) =
            match role with
            | ModelRole.Judge -> { m with JudgeModel = Some value }
            | ModelRole.Creative -> { m with CreativeModel = Some value }
            | ModelRole.Image -> { m with ImageModel = Some value }

        let empty = {
            JudgeModel = None
            CreativeModel = None
            ImageModel = None
        }

        {
            p with
                Models =
                    providers
                    |> List.map (fun id ->
                        let current =
                            p.Models
                            |> List.tryFind (fun (x, _) -> x = id)
                            |> Option.map snd
                            |> Option.defaultValue empty

                        id, update current)
                    |> fun changed ->
                        changed
                        @ (p.Models |> List.filter (fun (id, _) -> not (List.contains id providers)))
        }

    /// Applies one setting to a preset; the error says what is wrong with the value.
    let apply (provider: ProviderId option) (setting: string) (value: string) (p: Preset) : Result<Preset, string> =
        let value = value.Trim()

        match setting.ToUpperInvariant() with
        | "JUDGE_MODEL" when value <> "" -> Ok(setModel provider ModelRole.Judge value p)
        | "CREATIVE_MODEL" when value <> "" -> Ok(setModel provider ModelRole.Creative value p)
        | "IMAGE_MODEL" when value <> "" -> Ok(setModel provider ModelRole.Image value p)
        | "MAX_TOKENS" ->
            match Int32.TryParse value with
            | true, n when n >= 1 && n <= 32768 -> Ok { p with MaxTokens = Some n }
            | _ -> Error $"must be a whole number between 1 and 32768, got '{String.truncate 40 value}'"
        | "TEMPERATURE_SHIFT" ->
            match
                Double.TryParse(value, Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture)
            with
            | true, v when v >= -2.0 && v <= 2.0 -> Ok { p with TemperatureShift = v }
            | _ -> Error $"must be a number between -2 and 2, got '{String.truncate 40 value}'"
        | "THINKING_LEVEL" ->
            match ThinkingLevel.tryParse value with
            | Some l -> Ok { p with Thinking = Some l }
            | None -> Error "must be one of none, low, medium, high"
        | s when List.contains s settingNames -> Error "must not be empty"
        | s ->
            let known = String.concat ", " settingNames
            Error $"unknown setting '{s}' (known: {known})"

    let private update (table: PresetTable) (name: string) (f: Preset -> Result<Preset, string>) =
        match table.Presets |> List.tryFind (fun p -> p.Name = name) with
        | None -> Error $"unknown preset '{name}' (known: {knownNames})"
        | Some p ->
            f p
            |> Result.map (fun changed -> {
                table with
                    Presets = table.Presets |> List.map (fun x -> if x.Name = name then changed else x)
            })

    /// The `PRESET_<NAME>_[<PROVIDER>_]<SETTING>` variables a deployment may set, with what each addresses.
    let variables = [
        for name in names do
            for provider in None :: (ProviderId.all |> List.map Some) do
                for setting in settingNames do
                    let infix =
                        provider
                        |> Option.map (fun id -> (ProviderId.name id).ToUpperInvariant() + "_")
                        |> Option.defaultValue ""

                    if provider.IsNone || setting.EndsWith "_MODEL" then
                        $"PRESET_{name.ToUpperInvariant()}_{infix}{setting}", (name, provider, setting)
    ]

    /// The `PRESET_*` variables that are set, laid over a table: (variable, problem) on the first bad one.
    let fromVariables (lookup: string -> string option) (table: PresetTable) =
        variables
        |> List.choose (fun (variable, target) -> lookup variable |> Option.map (fun v -> variable, target, v))
        |> List.fold
            (fun acc (variable, (name, provider, setting), value) ->
                acc
                |> Result.bind (fun table ->
                    update table name (apply provider setting value)
                    |> Result.mapError (fun problem -> variable, problem)))
            (Ok table)

    let private scalar (el: JsonElement) =
        match el.ValueKind with
        | JsonValueKind.String -> Ok(el.GetString())
        | JsonValueKind.Number -> Ok(el.GetRawText())
        | _ -> Error "must be a string or a number"

    let private applyObject (provider: ProviderId option) (el: JsonElement) (p: Preset) =
        el.EnumerateObject()
        |> Seq.fold
            (fun acc prop ->
                acc
                |> Result.bind (fun p ->
                    match prop.Name.ToLowerInvariant() with
                    | "models" when provider.IsNone && prop.Value.ValueKind = JsonValueKind.Object ->
                        prop.Value.EnumerateObject()
                        |> Seq.fold
                            (fun acc byProvider ->
                                acc
                                |> Result.bind (fun p ->
                                    match
                                        ProviderId.all
                                        |> List.tryFind (fun id -> ProviderId.name id = byProvider.Name)
                                    with
                                    | None ->
                                        Error
                                            $"models.{byProvider.Name}: unknown provider (gemini, openrouter, openai)"
                                    | Some id when byProvider.Value.ValueKind = JsonValueKind.Object ->
                                        byProvider.Value.EnumerateObject()
                                        |> Seq.fold
                                            (fun acc role ->
                                                acc
                                                |> Result.bind (fun p ->
                                                    scalar role.Value
                                                    |> Result.bind (fun v ->
                                                        apply
                                                            (Some id)
                                                            (role.Name.ToUpperInvariant() + "_MODEL")
                                                            v
                                                            p)
                                                    |> Result.mapError (fun e ->
                                                        $"models.{byProvider.Name}.{role.Name}: {e}")))
                                            (Ok p)
                                    | Some _ -> Error $"models.{byProvider.Name}: must be an object"))
                            (Ok p)
                    | key ->
                        scalar prop.Value
                        |> Result.bind (fun v -> apply None (key.ToUpperInvariant()) v p)
                        |> Result.mapError (fun e -> $"{prop.Name}: {e}")))
            (Ok p)

    /// Reads a PRESETS_FILE document (`{"default": name, "presets": {name: {setting: value, "models": {...}}}}`).
    let fromJson (text: string) (table: PresetTable) : Result<PresetTable, string> =
        try
            use doc =
                JsonDocument.Parse(text, JsonDocumentOptions(CommentHandling = JsonCommentHandling.Skip))

            let root = doc.RootElement

            if root.ValueKind <> JsonValueKind.Object then
                Error "must be a JSON object"
            else
                root.EnumerateObject()
                |> Seq.fold
                    (fun acc prop ->
                        acc
                        |> Result.bind (fun table ->
                            match prop.Name with
                            | "default" ->
                                scalar prop.Value
                                |> Result.bind (fun v ->
                                    if List.contains v names then
                                        Ok { table with Default = v }
                                    else
                                        Error $"default: unknown preset '{v}' (known: {knownNames})")
                            | "presets" when prop.Value.ValueKind = JsonValueKind.Object ->
                                prop.Value.EnumerateObject()
                                |> Seq.fold
                                    (fun acc preset ->
                                        acc
                                        |> Result.bind (fun table ->
                                            if preset.Value.ValueKind <> JsonValueKind.Object then
                                                Error $"presets.{preset.Name}: must be an object"
                                            else
                                                update table preset.Name (applyObject None preset.Value)
                                                |> Result.mapError (fun e -> $"presets.{preset.Name}: {e}")))
                                    (Ok table)
                            | other -> Error $"unknown key '{other}' (expected default, presets)"))
                    (Ok table)
        with :? JsonException as e ->
            Error $"is not valid JSON: {e.Message}"

    /// Parses a `.yaml`/`.yml` PRESETS_FILE by converting it to the same JSON document.
    let yamlToJson (text: string) : Result<string, string> =
        try
            let stream = YamlDotNet.RepresentationModel.YamlStream()
            stream.Load(new StringReader(text))

            let rec node (n: YamlDotNet.RepresentationModel.YamlNode) : Nodes.JsonNode =
                match n with
                | :? YamlDotNet.RepresentationModel.YamlMappingNode as m ->
                    let o = Nodes.JsonObject()

                    for KeyValue(k, v) in m.Children do
                        o[string k] <- node v

                    o
                | :? YamlDotNet.RepresentationModel.YamlSequenceNode as s ->
                    Nodes.JsonArray(s.Children |> Seq.map node |> Array.ofSeq)
                | :? YamlDotNet.RepresentationModel.YamlScalarNode as s -> Nodes.JsonValue.Create(s.Value)
                | _ -> null

            match List.ofSeq stream.Documents with
            | [ d ] -> Ok((node d.RootNode).ToJsonString())
            | _ -> Error "must hold exactly one YAML document"
        with e ->
            Error $"is not valid YAML: {e.Message}"

    /// The deployment's table: built-ins, then PRESETS_FILE, then `PRESET_*` variables, then DEFAULT_PRESET.
    let parse
        (lookup: string -> string option)
        (readFile: string -> Result<string, string>)
        : Result<PresetTable, SettingsError> =
        let fail variable problem =
            Error {
                Variable = variable
                Problem = problem
            }

        let fromFile =
            match lookup "PRESETS_FILE" |> Option.map _.Trim() with
            | None
            | Some "" -> Ok defaults
            | Some path ->
                let yaml =
                    path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
                    || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)

                readFile path
                |> Result.bind (fun text -> if yaml then yamlToJson text else Ok text)
                |> Result.bind (fun json -> fromJson json defaults)
                |> Result.mapError (fun problem -> {
                    Variable = "PRESETS_FILE"
                    Problem = $"{path}: {problem}"
                })

        fromFile
        |> Result.bind (fun table ->
            fromVariables lookup table
            |> Result.mapError (fun (variable, problem) -> {
                Variable = variable
                Problem = problem
            }))
        |> Result.bind (fun table ->
            match lookup "DEFAULT_PRESET" |> Option.map (fun s -> s.Trim().ToLowerInvariant()) with
            | None
            | Some "" -> Ok table
            | Some name when List.contains name names -> Ok { table with Default = name }
            | Some name -> fail "DEFAULT_PRESET" $"must be one of {knownNames}, got '{String.truncate 40 name}'")
