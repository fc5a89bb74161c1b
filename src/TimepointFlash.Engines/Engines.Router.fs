namespace TimepointFlash.Engines

open System
open System.Net.Http
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// A complete engine the router can call as a whole (the offline engine, or a caller's own).
type Backend = {
    Name: string
    Complete: CompleteChat
    GenerateImage: GenerateImage
}

/// What the router needs from the outside world.
type RouterDeps = {
    Http: HttpClient
    Log: ProviderEvent -> unit
    Runtime: Runtime
    /// The offline engine, used when the engine is offline or FALLBACK_PROVIDER=offline.
    Offline: Backend option
    /// The model-call budget every remote call takes before it goes out (PROVIDER_LIMITS).
    Budget: ProviderBudget
}

/// The provider layer as the pipeline, API and CLI use it.
type Router = {
    /// Chat: role → model, primary → fallback, retries, timeout, circuit breaker.
    Complete: CompleteChat
    /// Images with the image model, same chain.
    GenerateImage: GenerateImage
    /// The model list of the first configured OpenAI-compatible provider (OpenRouter first), for fetch_remote.
    ListModels: CancellationToken -> Task<Result<RemoteModel list, ProviderError>>
    /// Providers and models without keys.
    Description: SettingsDescription
    /// Circuit state per remote provider in the chain: "closed", "open" or "half-open".
    Circuits: unit -> (string * string) list
    /// Streamed chat over the same chain: retries and fallback only until the first text is shown.
    Stream: StreamChat
}

/// Role → model routing over the primary → fallback chain (fixes B1, B4, B5).
[<RequireQualifiedAccess>]
module Router =
    /// The model a role uses on a provider: judge model for the judge (fixes B1), creative for the rest.
    let modelFor (provider: ProviderSettings) (role: ModelRole) =
        match role with
        | ModelRole.Judge -> provider.Models.Judge
        | ModelRole.Creative -> provider.Models.Creative
        | ModelRole.Image -> provider.Models.Image

    /// The model a call uses on a provider: its explicit model, else its preset's model for the role, else the
    /// provider's configured model; translated to the provider's spelling. An error says why this provider
    /// cannot serve the call (another vendor's model on Gemini, a proprietary model under `permissive`).
    let modelOf (presets: PresetTable) (provider: ProviderSettings) (role: ModelRole) (tuning: CallTuning) =
        let pick (m: ModelSet) =
            match role with
            | ModelRole.Judge -> m.Judge
            | ModelRole.Creative -> m.Creative
            | ModelRole.Image -> m.Image

        let translate id =
            ModelId.translate provider.Id provider.BaseUrl pick (Some id)

        let name = ProviderId.name provider.Id

        let chosen =
            match tuning.Model with
            | Some id when
                provider.Id = ProviderId.Gemini
                && id.Contains '/'
                && not (id.StartsWith("google/", StringComparison.OrdinalIgnoreCase))
                ->
                Error $"{name} cannot serve '{id}'"
            | Some id -> Ok(translate id)
            | None ->
                match
                    tuning.Preset
                    |> Option.bind (fun n -> Presets.modelFor (Presets.find presets n) provider.Id role)
                with
                | Some id -> Ok(translate id)
                | None -> Ok(modelFor provider role)

        match chosen with
        | Ok m when tuning.Permissive && not (ModelPolicy.isOpenWeight m) ->
            Error $"model_policy 'permissive': {name} would use the proprietary model '{m}'"
        | other -> other

    let private unservable provider (problem: string) =
        Task.FromResult(Error(ProviderError.Unavailable(provider, None, problem)))

    /// Errors after which the next provider in the chain is tried: auth, missing key, open circuit,
    /// exhausted retries, exhausted quota or credit, an upstream failure inside a 200, and 404 (model unknown
    /// there). Blocks, moderation and truncation are about this content and are reported, not passed on.
    let shouldFallBack =
        function
        | ProviderError.BadRequest(_, (402 | 404), _) -> true
        | ProviderError.MissingKey _
        | ProviderError.AuthFailed _
        | ProviderError.CircuitOpen _
        | ProviderError.RateLimited _
        | ProviderError.Unavailable _
        | ProviderError.Timeout _
        | ProviderError.BadResponse _
        | ProviderError.QuotaExhausted _
        | ProviderError.UpstreamError _ -> true
        | ProviderError.BadRequest _
        | ProviderError.Blocked _
        | ProviderError.Truncated _
        | ProviderError.Moderated _
        | ProviderError.Cancelled -> false

    /// Whether a provider can ground a call with a web search, and how: Gemini's `google_search` tool, OpenRouter's
    /// web plugin (also on an OpenAI-compatible URL that is OpenRouter's); a plain OpenAI-compatible server cannot.
    let providerSearch (provider: ProviderSettings) : SearchSupport =
        let name = ProviderId.name provider.Id

        match provider.Id, OpenAi.dialect provider with
        | ProviderId.Gemini, _ -> SearchSupport.Searches(name, "google_search")
        | _, Dialect.OpenRouter -> SearchSupport.Searches(name, "web_plugin")
        | _, Dialect.OpenAi ->
            SearchSupport.NoSearch(
                name,
                $"{name} ({provider.BaseUrl.Host}) is a plain OpenAI-compatible server without web search"
            )

    /// What the configured engine can search with: the primary provider's search, or the offline engine's curated
    /// data.
    let searchSupport (settings: Settings) : SearchSupport =
        match settings.Engine with
        | Engine.Offline -> SearchSupport.Searches("offline", "curated")
        | Engine.Remote(primary, _) -> providerSearch (Settings.find settings primary)

    /// The raw calls of a remote provider.
    let providerCalls (http: HttpClient) (now: unit -> DateTimeOffset) (settings: ProviderSettings) =
        match settings.Id with
        | ProviderId.Gemini -> Gemini.calls settings http now
        | ProviderId.OpenRouter
        | ProviderId.OpenAi -> OpenAi.calls settings http now

    /// The streamed chat of a remote provider for a model.
    let providerStream (http: HttpClient) (now: unit -> DateTimeOffset) (settings: ProviderSettings) =
        match settings.Id with
        | ProviderId.Gemini -> Gemini.stream settings http now
        | ProviderId.OpenRouter
        | ProviderId.OpenAi -> OpenAi.stream settings http now

    /// A backend's chat as a stream of one chunk (the offline engine, a caller's own client).
    let private oneChunk (backend: Backend) (_: unit -> bool) : StreamChat =
        fun request onText ct -> task {
            match! backend.Complete request ct with
            | Ok r ->
                do! onText r.Text
                return Ok r
            | Error e -> return Error e
        }

    let private remote deps settings policy (provider: ProviderSettings) =
        let name = ProviderId.name provider.Id
        let calls = providerCalls deps.Http deps.Runtime.Now provider

        let breaker =
            CircuitBreaker(name, settings.CircuitThreshold, settings.CircuitCooldown, deps.Runtime.Now)

        // The one place calls leave for a provider: every attempt of a chat, streamed chat or image call is admitted
        // by the budget first (waiting outside the attempt's timeout), then settled with the usage it reports.
        let admit notice model cost (usage: 'a -> TokenUsage option) : Resilience.Admit<'a> =
            fun ct -> task {
                match! ProviderBudget.admit deps.Runtime deps.Budget deps.Log notice name model cost ct with
                | Error e -> return Error e
                | Ok settle ->
                    return
                        Ok(fun outcome ->
                            match outcome with
                            | Ok value -> settle (usage value)
                            | Error _ -> settle None)
            }

        let chatUsage (r: ChatResponse) = Some r.Usage

        let guarded admitted call ct =
            Resilience.retryingAdmitted admitted (fun () -> true) deps.Runtime policy deps.Log breaker call ct

        let backend = {
            Name = name
            Complete =
                fun request ct ->
                    match modelOf settings.Presets provider request.Role request.Tuning with
                    | Error problem -> unservable name problem
                    | Ok model ->
                        Resilience.widening
                            deps.Log
                            (fun request ct ->
                                guarded
                                    (admit request.OnWait model (ProviderLimits.chatCost request) chatUsage)
                                    (calls.Complete model request)
                                    ct)
                            request
                            ct
            GenerateImage =
                fun request ct ->
                    match modelOf settings.Presets provider ModelRole.Image request.Tuning with
                    | Error problem -> unservable name problem
                    | Ok model ->
                        guarded
                            (admit request.OnWait model ProviderLimits.imageCost (fun _ -> None))
                            (calls.GenerateImage model request)
                            ct
        }

        let stream (fresh: unit -> bool) : StreamChat =
            fun request onText ct ->
                match modelOf settings.Presets provider request.Role request.Tuning with
                | Error problem -> unservable name problem
                | Ok model ->
                    Resilience.retryingAdmitted
                        (admit request.OnWait model (ProviderLimits.chatCost request) chatUsage)
                        fresh
                        deps.Runtime
                        policy
                        deps.Log
                        breaker
                        (providerStream deps.Http deps.Runtime.Now provider model request onText)
                        ct

        (backend, stream), Some breaker

    let private missingOffline =
        let error =
            ProviderError.Unavailable("offline", None, "the offline engine is not wired into this router")

        {
            Name = "offline"
            Complete = fun _ _ -> Task.FromResult(Error error)
            GenerateImage = fun _ _ -> Task.FromResult(Error error)
        }

    let private chain deps (settings: Settings) =
        let policy = Resilience.policy settings

        let offline () =
            let backend = defaultArg deps.Offline missingOffline
            (backend, oneChunk backend), None

        let link =
            function
            | Fallback.Provider id -> remote deps settings policy (Settings.find settings id)
            | Fallback.Offline -> offline ()

        match settings.Engine with
        | Engine.Offline -> [ offline () ]
        | Engine.Remote(primary, fallback) ->
            link (Fallback.Provider primary)
            :: (fallback |> Option.map link |> Option.toList)

    let private run
        (log: ProviderEvent -> unit)
        (fresh: unit -> bool)
        (backends: Backend list)
        (call: Backend -> Task<Result<'a, ProviderError>>)
        =
        let rec next backends = task {
            match backends with
            | [] -> return Error(ProviderError.MissingKey "none")
            | [ last ] -> return! call last
            | backend :: (following :: _ as rest) ->
                match! call backend with
                | Error e when shouldFallBack e && fresh () ->
                    log (ProviderEvent.FallingBack(backend.Name, following.Name, e))
                    return! next rest
                | outcome -> return outcome
        }

        task {
            let! outcome = next backends

            match outcome with
            | Error e -> log (ProviderEvent.Failed e)
            | Ok _ -> ()

            return outcome
        }

    let private listModels deps (settings: Settings) ct =
        let candidates =
            [ ProviderId.OpenRouter; ProviderId.OpenAi ]
            |> List.map (Settings.find settings)
            |> List.filter _.Configured

        match candidates with
        | [] -> Task.FromResult(Error(ProviderError.MissingKey(ProviderId.name ProviderId.OpenRouter)))
        | provider :: _ ->
            Resilience.withTimeout
                settings.Timeout
                (ProviderId.name provider.Id)
                (OpenAi.listModels provider deps.Http deps.Runtime.Now)
                ct

    /// Builds the router with every effect injected (tests pass a fake clock, delay and random source).
    let createWith (deps: RouterDeps) (settings: Settings) : Router =
        let links = chain deps settings
        let backends = links |> List.map (fst >> fst)
        let byName = links |> List.map (fun ((b, s), _) -> b.Name, s) |> Map.ofList
        let breakers = links |> List.choose snd
        let always () = true

        /// Streams through the chain; once text was shown, neither retry nor fallback happens.
        let stream: StreamChat =
            fun request onText ct ->
                let mutable shown = false
                let fresh () = not shown

                let onText' (text: string) =
                    shown <- true
                    onText text

                let streamOf (b: Backend) = Map.find b.Name byName
                run deps.Log fresh backends (fun b -> (streamOf b) fresh request onText' ct)

        {
            Complete = fun request ct -> run deps.Log always backends (fun b -> b.Complete request ct)
            GenerateImage = fun request ct -> run deps.Log always backends (fun b -> b.GenerateImage request ct)
            ListModels = listModels deps settings
            Description = Settings.describe settings
            Circuits = fun () -> breakers |> List.map (fun b -> b.Provider, b.State)
            Stream = stream
        }

    /// Builds the router with the real clock and delays over a model-call budget; `log` receives retries, fallbacks,
    /// circuit changes and waits for budget.
    let create (settings: Settings) (budget: ProviderBudget) (http: HttpClient) (log: ProviderEvent -> unit) : Router =
        createWith
            {
                Http = http
                Log = log
                Runtime = Resilience.live
                Offline = None
                Budget = budget
            }
            settings
