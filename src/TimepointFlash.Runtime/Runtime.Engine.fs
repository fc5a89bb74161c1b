namespace TimepointFlash.Runtime

open System
open System.Net.Http
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Engines

/// What the engine layer tells hosts about itself.
type EngineInfo = {
    /// "offline" or the primary provider's name.
    Name: string
    IsOffline: bool
    /// Providers, models and fallback without secrets.
    Describe: unit -> JsonNode
    /// Models known to the engine, and whether the remote catalogue came from the cache.
    ListModels: bool -> CancellationToken -> Task<JsonNode list * bool>
    /// The deployment's presets as `GET /api/v1/presets` lists them.
    Presets: unit -> JsonNode
}

/// The text model, image drawing and description for a configuration.
type EngineParts = {
    Llm: Llm
    /// The text model streaming its answer as the provider produces it.
    Stream: StreamLlm
    DrawImage: DrawImage
    Info: EngineInfo
    SceneCard: Timepoint -> byte[] * string
}

/// A process-wide 15-minute cache of the remote model catalogue (errors are not cached).
[<RequireQualifiedAccess>]
module RemoteCatalogue =
    /// How long a fetched catalogue is reused.
    let ttl = TimeSpan.FromMinutes 15.0

    /// Wraps a fetch: answers (models, cached) where cached says the answer came from the cache.
    let create (fetch: CancellationToken -> Task<Result<RemoteModel list, ProviderError>>) =
        let gate = new SemaphoreSlim(1)
        let mutable entry: (DateTimeOffset * RemoteModel list) option = None

        fun (ct: CancellationToken) -> task {
            do! gate.WaitAsync ct

            try
                match entry with
                | Some(at, models) when DateTimeOffset.UtcNow - at < ttl -> return models, true
                | _ ->
                    match! fetch ct with
                    | Ok models ->
                        entry <- Some(DateTimeOffset.UtcNow, models)
                        return models, false
                    | Error _ -> return [], false
            finally
                gate.Release() |> ignore
        }

/// The deployment's presets as the application sees them.
[<RequireQualifiedAccess>]
module PresetCatalog =
    /// The models a control would use: on the first provider of the chain that can serve it.
    let planned (settings: Settings) (control: GenerationControl) : PlannedModels =
        let table = settings.Presets

        let preset =
            Presets.find table (control.Preset |> Option.defaultValue table.Default)

        let tuning = Control.tuning (Presets.tuning preset) control

        let chain =
            match settings.Engine with
            | Engine.Offline -> []
            | Engine.Remote(primary, fallback) ->
                primary
                :: (match fallback with
                    | Some(Fallback.Provider id) -> [ id ]
                    | _ -> [])

        let onChain role =
            chain
            |> List.tryPick (fun id ->
                let p = Settings.find settings id

                match Router.modelOf table p role (tuning role) with
                | Ok m -> Some(m, ProviderId.name id)
                | Error _ -> None)

        match onChain ModelRole.Creative with
        | Some(text, provider) -> {
            Text = text
            Image =
                onChain ModelRole.Image
                |> Option.map fst
                |> Option.defaultValue OfflineEngine.modelId
            Provider = provider
          }
        | None -> {
            Text = OfflineEngine.modelId
            Image = OfflineEngine.modelId
            Provider = "offline"
          }

    /// The port the application uses.
    let port (settings: Settings) : PresetPort = {
        Default = settings.Presets.Default
        Names = settings.Presets.Presets |> List.map _.Name
        Tuning = fun name -> Presets.tuning (Presets.find settings.Presets name)
        Planned = planned settings
    }

    /// One preset as `GET /api/v1/presets` lists it: its settings and the models it uses on each provider.
    let describe (settings: Settings) (p: Preset) =
        let providers =
            settings.Providers
            |> List.map (fun provider ->
                let model role =
                    match
                        Router.modelOf settings.Presets provider role {
                            CallTuning.none with
                                Preset = Some p.Name
                        }
                    with
                    | Ok m -> Encode.string m
                    | Error _ -> Encode.nil

                ProviderId.name provider.Id,
                Encode.obj [
                    "judge_model", model ModelRole.Judge
                    "text_model", model ModelRole.Creative
                    "image_model", model ModelRole.Image
                    "available", Encode.bool provider.Configured
                ])

        let planned =
            planned settings {
                GenerationControl.none with
                    Preset = Some p.Name
            }

        Encode.obj [
            "name", Encode.string p.Name
            "display_name", Encode.string p.Label
            "description", Encode.string p.Description
            "default", Encode.bool (p.Name = settings.Presets.Default)
            "text_model", Encode.string planned.Text
            "image_model", Encode.string planned.Image
            "provider", Encode.string planned.Provider
            "max_tokens", Encode.opt Encode.int p.MaxTokens
            "temperature_shift", Encode.float p.TemperatureShift
            "thinking_level", Encode.opt (ThinkingLevel.name >> Encode.string) p.Thinking
            "providers", Encode.obj providers
        ]

    /// `GET /api/v1/presets`: every preset and the default.
    let list (settings: Settings) =
        Encode.obj [
            "presets", settings.Presets.Presets |> Encode.list (describe settings)
            "default", Encode.string settings.Presets.Default
            "total", Encode.int settings.Presets.Presets.Length
        ]

/// Builds the engine: the offline engine when no provider is configured, else the router (with the
/// offline engine behind it when FALLBACK_PROVIDER=offline).
[<RequireQualifiedAccess>]
module EngineBuilder =
    let private modelNode (id: string) (name: string) (provider: string) (caps: string list) (available: bool) =
        Encode.obj [
            "id", Encode.string id
            "name", Encode.string name
            "provider", Encode.string provider
            "capabilities", Encode.list Encode.string caps
            "context_length", Encode.nil
            "pricing", Encode.nil
            "is_available", Encode.bool available
        ]

    let private remoteNode (m: RemoteModel) =
        let caps = [
            "text"
            if
                m.InputModalities |> List.contains "image"
                || (m.Modality |> Option.exists (fun x -> x.Contains "image->"))
            then
                "vision"
            if m.OutputModalities |> List.contains "image" then
                "image_generation"
        ]

        Encode.obj [
            "id", Encode.string m.Id
            "name", Encode.string m.Name
            "provider", Encode.string "openrouter"
            "capabilities", Encode.list Encode.string caps
            "context_length", Encode.opt Encode.int m.ContextLength
            "pricing",
            (match m.PromptPrice, m.CompletionPrice with
             | None, None -> Encode.nil
             | p, c -> Encode.obj [ "prompt", Encode.opt Encode.float p; "completion", Encode.opt Encode.float c ])
            "is_available", Encode.bool true
        ]

    /// The models configured for each provider, plus the offline engine.
    let configuredModels (settings: Settings) =
        [
            yield
                modelNode
                    OfflineEngine.modelId
                    "TimepointFlash offline engine"
                    "offline"
                    [ "text"; "image_generation" ]
                    true
            for p in settings.Providers do
                let name = ProviderId.name p.Id
                yield modelNode p.Models.Judge p.Models.Judge name [ "text" ] p.Configured

                if p.Models.Creative <> p.Models.Judge then
                    yield modelNode p.Models.Creative p.Models.Creative name [ "text" ] p.Configured

                yield modelNode p.Models.Image p.Models.Image name [ "image_generation" ] p.Configured
        ]
        |> List.distinctBy (fun n -> n["id"].ToString(), n["provider"].ToString())

    let private describe (settings: Settings) () =
        let d = Settings.describe settings
        let configured = configuredModels settings

        let modelsOf (name: string) =
            configured
            |> List.filter (fun n -> n["provider"].ToString() = name)
            |> List.length

        Encode.obj [
            "engine", Encode.string d.Engine
            "primary", Encode.opt Encode.string d.Primary
            "fallback", Encode.opt Encode.string d.Fallback
            "providers",
            d.Providers
            |> Encode.list (fun p ->
                Encode.obj [
                    "provider", Encode.string p.Name
                    "available", Encode.bool p.Configured
                    "has_key", Encode.bool p.HasKey
                    "base_url", Encode.string p.BaseUrl
                    "judge_model", Encode.string p.JudgeModel
                    "creative_model", Encode.string p.CreativeModel
                    "image_model", Encode.string p.ImageModel
                    // The reference's fields: counts and defaults only for an available provider.
                    "models_count", Encode.int (if p.Configured then modelsOf p.Name else 0)
                    "default_text_model",
                    Encode.opt Encode.string (if p.Configured then Some p.CreativeModel else None)
                    "default_image_model", Encode.opt Encode.string (if p.Configured then Some p.ImageModel else None)
                ])
            "timeout_seconds", Encode.float d.TimeoutSeconds
            "max_retries", Encode.int d.MaxRetries
        ]

    /// Builds the engine parts from provider settings and the model-call budget.
    let create
        (settings: Settings)
        (budget: ProviderBudget)
        (http: HttpClient)
        (log: ProviderEvent -> unit)
        : EngineParts =
        let offlineInfo cache = {
            Name = "offline"
            IsOffline = true
            Describe = describe settings
            ListModels = fun _ _ -> Task.FromResult(configuredModels settings, cache)
            Presets = fun () -> PresetCatalog.list settings
        }

        match settings.Engine with
        | Engine.Offline -> {
            Llm = OfflineEngine.llm
            Stream = OfflineEngine.stream
            DrawImage = OfflineEngine.draw
            Info = offlineInfo false
            SceneCard = OfflineEngine.sceneCard
          }
        | Engine.Remote(primary, fallback) ->
            let router = Router.create settings budget http log
            let offlineBehind = fallback = Some Fallback.Offline
            let cache = RemoteCatalogue.create router.ListModels

            let llm: Llm =
                fun call ct -> task {
                    match! router.Complete call.Chat ct with
                    | Error _ when offlineBehind && not ct.IsCancellationRequested -> return! OfflineEngine.llm call ct
                    | r -> return r
                }

            let stream: StreamLlm =
                fun call onText ct -> task {
                    let mutable shown = false

                    let onText' (text: string) =
                        shown <- true
                        onText text

                    match! router.Stream call.Chat onText' ct with
                    | Error _ when offlineBehind && not shown && not ct.IsCancellationRequested ->
                        return! OfflineEngine.stream call onText ct
                    | r -> return r
                }

            let draw: DrawImage =
                fun call ct -> task {
                    match! router.GenerateImage call.Request ct with
                    | Error _ when offlineBehind && not ct.IsCancellationRequested -> return! OfflineEngine.draw call ct
                    | r -> return r
                }

            {
                Llm = llm
                Stream = stream
                DrawImage = draw
                Info = {
                    Name = ProviderId.name primary
                    IsOffline = false
                    Describe = describe settings
                    Presets = fun () -> PresetCatalog.list settings
                    ListModels =
                        fun remote ct -> task {
                            let configured = configuredModels settings

                            if not remote then
                                return configured, false
                            else
                                let! fetched, cached = cache ct
                                let known = configured |> List.map (fun n -> n["id"].ToString()) |> Set.ofList

                                let extra =
                                    fetched
                                    |> List.filter (fun (m: RemoteModel) -> not (known.Contains m.Id))
                                    |> List.truncate 50
                                    |> List.map remoteNode

                                return configured @ extra, cached
                        }
                }
                SceneCard = OfflineEngine.sceneCard
            }
