namespace TimepointFlash.Engines

open System
open System.Globalization
open System.IO
open FsToolkit.ErrorHandling

/// A provider as shown in /health and logs: names, URLs and models, never keys.
type ProviderDescription = {
    Name: string
    Configured: bool
    HasKey: bool
    BaseUrl: string
    JudgeModel: string
    CreativeModel: string
    ImageModel: string
}

/// The provider configuration as shown in /health and logs.
type SettingsDescription = {
    Engine: string
    Primary: string option
    Fallback: string option
    Providers: ProviderDescription list
    TimeoutSeconds: float
    MaxRetries: int
}

/// Reading provider settings from environment variables and an optional `.env` file.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Settings =
    let private fail variable problem =
        Error {
            Variable = variable
            Problem = problem
        }

    /// Parses `.env` text: KEY=VALUE lines, `#` comments, optional `export ` and surrounding quotes.
    let parseDotEnv (text: string) : Map<string, string> =
        text.Split('\n')
        |> Array.choose (fun raw ->
            let line = raw.Trim()

            let line =
                if line.StartsWith "export " then
                    line.Substring(7).TrimStart()
                else
                    line

            match line.IndexOf '=' with
            | i when i > 0 && not (line.StartsWith "#") ->
                let key = line.Substring(0, i).Trim()
                let value = line.Substring(i + 1).Trim()

                let value =
                    if
                        value.Length >= 2
                        && ((value.StartsWith "\"" && value.EndsWith "\"")
                            || (value.StartsWith "'" && value.EndsWith "'"))
                    then
                        value.Substring(1, value.Length - 2)
                    else
                        value

                Some(key, value)
            | _ -> None)
        |> Map.ofArray

    /// Reads a `.env` file; a missing file is an empty map.
    let readDotEnv (path: string) : Map<string, string> =
        if File.Exists path then
            parseDotEnv (File.ReadAllText path)
        else
            Map.empty

    /// A lookup that prefers the process environment and falls back to `.env` values.
    let lookupWith (env: string -> string option) (dotEnv: Map<string, string>) (name: string) =
        match env name with
        | Some v -> Some v
        | None -> Map.tryFind name dotEnv

    /// The process environment plus `./.env`, as a lookup.
    let processLookup () =
        let dotEnv = readDotEnv (Path.Combine(Environment.CurrentDirectory, ".env"))
        lookupWith (Environment.GetEnvironmentVariable >> Option.ofObj) dotEnv

    let private nonBlank (lookup: string -> string option) name =
        lookup name
        |> Option.bind (fun v -> if String.IsNullOrWhiteSpace v then None else Some(v.Trim()))

    let private parseUrl lookup variable (fallback: string) =
        match nonBlank lookup variable with
        | None -> Ok(Uri(fallback), false)
        | Some text ->
            match Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute) with
            | true, uri when uri.Scheme = Uri.UriSchemeHttp || uri.Scheme = Uri.UriSchemeHttps -> Ok(uri, true)
            | _ -> fail variable "is not an absolute http(s) URL"

    let private parseTimeout lookup =
        let variable = "LLM_TIMEOUT_SECONDS"

        match nonBlank lookup variable with
        | None -> Ok(TimeSpan.FromSeconds 60.0)
        | Some text ->
            match Double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, s when s > 0.0 && s <= 3600.0 -> Ok(TimeSpan.FromSeconds s)
            | _ -> fail variable $"'{text}' is not a number of seconds between 0 and 3600"

    let private parseRetries lookup =
        let variable = "LLM_MAX_RETRIES"

        match nonBlank lookup variable with
        | None -> Ok 3
        | Some text ->
            match Int32.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) with
            | true, n when n >= 0 && n <= 10 -> Ok n
            | _ -> fail variable $"'{text}' is not a whole number between 0 and 10"

    let private parseModel lookup variable =
        match nonBlank lookup variable with
        | None -> Ok None
        | Some id when id |> Seq.exists Char.IsWhiteSpace -> fail variable $"'{id}' is not a model id (no spaces)"
        | Some id -> Ok(Some id)

    /// Names accepted by PRIMARY_PROVIDER / FALLBACK_PROVIDER.
    let private choice variable (text: string) =
        match text.Trim().ToLowerInvariant() with
        | "gemini"
        | "google" -> Ok(Some(Fallback.Provider ProviderId.Gemini))
        | "openrouter" -> Ok(Some(Fallback.Provider ProviderId.OpenRouter))
        | "openai" -> Ok(Some(Fallback.Provider ProviderId.OpenAi))
        | "offline" -> Ok(Some Fallback.Offline)
        | "none" when variable = "FALLBACK_PROVIDER" -> Ok None
        | _ ->
            let extra =
                if variable = "FALLBACK_PROVIDER" then
                    ", offline or none"
                else
                    " or offline"

            fail variable $"unknown provider '{text}' (expected gemini, google, openrouter, openai{extra})"

    /// `OPENAI_REASONING` / `OPENROUTER_REASONING`; Gemini always reads the family from the model id.
    let private parseReasoning lookup (id: ProviderId) =
        let variable =
            match id with
            | ProviderId.OpenAi -> Some "OPENAI_REASONING"
            | ProviderId.OpenRouter -> Some "OPENROUTER_REASONING"
            | ProviderId.Gemini -> None

        match variable with
        | None -> Ok ReasoningMode.ByModelId
        | Some variable ->
            match nonBlank lookup variable |> Option.map _.ToLowerInvariant() with
            | None
            | Some "auto" -> Ok ReasoningMode.ByModelId
            | Some("on" | "true") -> Ok ReasoningMode.Always
            | Some("off" | "false") -> Ok ReasoningMode.Never
            | Some text -> fail variable $"'{text}' is not one of auto, on, off"

    let private parseBudget lookup variable (fallback: int) =
        match nonBlank lookup variable with
        | None -> Ok fallback
        | Some text ->
            match Int32.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) with
            | true, n when n >= 0 && n <= 32768 -> Ok n
            | _ -> fail variable $"'{text}' is not a whole number of tokens between 0 and 32768"

    /// Thinking budgets per step kind: low for structured steps (512), more for free text (2048).
    let private parseThinking lookup = result {
        let! structured = parseBudget lookup "THINKING_BUDGET_STRUCTURED" 512
        let! creative = parseBudget lookup "THINKING_BUDGET_CREATIVE" 2048

        return {
            Structured = structured
            Creative = creative
        }
    }

    let private provider lookup models id = result {
        let! baseUrl, explicitUrl = parseUrl lookup (ProviderId.baseUrlVariable id) (ProviderId.defaultBaseUrl id)
        let! reasoning = parseReasoning lookup id
        let! thinking = parseThinking lookup
        let key = nonBlank lookup (ProviderId.keyVariable id) |> Option.map ApiKey
        let judge, creative, image = models
        let pick f c = ModelId.translate id baseUrl f c

        return {
            Id = id
            Configured = key.IsSome || (id = ProviderId.OpenAi && explicitUrl)
            Key = key
            BaseUrl = baseUrl
            Models = {
                Judge = pick _.Judge judge
                Creative = pick _.Creative creative
                Image = pick _.Image image
            }
            Reasoning = reasoning
            Thinking = thinking
        }
    }

    let private missing (p: ProviderSettings) =
        match p.Id with
        | ProviderId.OpenAi -> "neither OPENAI_API_KEY nor OPENAI_BASE_URL is set"
        | id -> $"{ProviderId.keyVariable id} is not set"

    let private engine (providers: ProviderSettings list) primaryText fallbackText = result {
        let find id =
            providers |> List.find (fun p -> p.Id = id)

        let configured = providers |> List.filter _.Configured |> List.map _.Id

        let! primary =
            match primaryText with
            | Some text -> choice "PRIMARY_PROVIDER" text
            | None -> Ok(configured |> List.tryHead |> Option.map Fallback.Provider)

        let! explicitFallback =
            match fallbackText with
            | Some text -> choice "FALLBACK_PROVIDER" text |> Result.map Some
            | None -> Ok None

        match primary with
        | None
        | Some Fallback.Offline -> return Engine.Offline
        | Some(Fallback.Provider p) ->
            let! fallback =
                match explicitFallback with
                | Some(Some(Fallback.Provider f)) when f = p -> Ok None
                | Some(Some(Fallback.Provider f)) when not (find f).Configured ->
                    fail "FALLBACK_PROVIDER" $"{ProviderId.name f} is named but {missing (find f)}"
                | Some chosen -> Ok chosen
                | None -> Ok(configured |> List.tryFind ((<>) p) |> Option.map Fallback.Provider)

            if not (find p).Configured && fallback.IsNone then
                return!
                    fail
                        "PRIMARY_PROVIDER"
                        $"{ProviderId.name p} is selected but {missing (find p)} and no fallback provider is configured"
            else
                return Engine.Remote(p, fallback)
    }

    let private readPresetsFile (path: string) =
        try
            Ok(File.ReadAllText path)
        with e ->
            Error $"cannot be read ({e.GetType().Name})"

    /// Parses provider settings; the first problem found is returned as one line naming its variable.
    let parse (lookup: string -> string option) : Result<Settings, SettingsError> = result {
        let! judge = parseModel lookup "JUDGE_MODEL"
        let! creative = parseModel lookup "CREATIVE_MODEL"
        let! image = parseModel lookup "IMAGE_MODEL"
        let! timeout = parseTimeout lookup
        let! retries = parseRetries lookup

        let! providers =
            ProviderId.all
            |> List.traverseResultM (provider lookup (judge, creative, image))

        let! engine = engine providers (nonBlank lookup "PRIMARY_PROVIDER") (nonBlank lookup "FALLBACK_PROVIDER")
        let! presets = Presets.parse lookup readPresetsFile

        return {
            Engine = engine
            Providers = providers
            Timeout = timeout
            MaxRetries = retries
            CircuitThreshold = 5
            CircuitCooldown = TimeSpan.FromSeconds 30.0
            Presets = presets
        }
    }

    /// The settings of one provider.
    let find (settings: Settings) (id: ProviderId) =
        settings.Providers |> List.find (fun p -> p.Id = id)

    let private safeUrl (uri: Uri) =
        // userinfo and query strings may hold credentials: show scheme, host, port and path only
        uri.GetLeftPart(UriPartial.Path).Replace(uri.UserInfo + "@", "")

    /// Providers, models and limits without any key, for /health and logs.
    let describe (settings: Settings) : SettingsDescription =
        let primary, fallback =
            match settings.Engine with
            | Engine.Offline -> None, None
            | Engine.Remote(p, f) ->
                Some(ProviderId.name p),
                f
                |> Option.map (function
                    | Fallback.Provider id -> ProviderId.name id
                    | Fallback.Offline -> "offline")

        {
            Engine =
                match settings.Engine with
                | Engine.Offline -> "offline"
                | Engine.Remote _ -> "remote"
            Primary = primary
            Fallback = fallback
            Providers =
                settings.Providers
                |> List.map (fun p -> {
                    Name = ProviderId.name p.Id
                    Configured = p.Configured
                    HasKey = p.Key.IsSome
                    BaseUrl = safeUrl p.BaseUrl
                    JudgeModel = p.Models.Judge
                    CreativeModel = p.Models.Creative
                    ImageModel = p.Models.Image
                })
            TimeoutSeconds = settings.Timeout.TotalSeconds
            MaxRetries = settings.MaxRetries
        }

    /// One log line: engine, chain and models of the providers in use.
    let summary (settings: Settings) =
        match settings.Engine with
        | Engine.Offline -> "engine=offline (no provider key configured)"
        | Engine.Remote(p, f) ->
            let models id =
                let m = (find settings id).Models
                $"{ProviderId.name id}(judge={m.Judge}, creative={m.Creative}, image={m.Image})"

            let fallback =
                match f with
                | Some(Fallback.Provider id) -> models id
                | Some Fallback.Offline -> "offline"
                | None -> "none"

            $"engine=remote primary={models p} fallback={fallback} timeout={settings.Timeout.TotalSeconds}s retries={settings.MaxRetries}"
