namespace TimepointFlash.Engines

open System
open System.Net.Http
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// A configured OpenRouter model id the models registry does not list, where it is configured, and the closest id
/// the registry does list.
type UnknownModel = {
    Id: string
    /// Where the id comes from: "judge model", "preset hyper creative model", ….
    Source: string
    Suggestion: string option
}

/// The start-up check of configured OpenRouter model ids against OpenRouter's models registry (`GET /models`):
/// a retired or misspelt id is reported with a suggestion; never fatal.
[<RequireQualifiedAccess>]
module ModelLiveness =
    /// Routing shortcuts OpenRouter accepts after an id that its registry does not list as ids of their own.
    let private shortcuts = [ ":online"; ":nitro"; ":floor"; ":exacto" ]

    /// The registry id a configured id stands for (its routing shortcut removed).
    let registryId (id: string) =
        shortcuts
        |> List.tryFind (fun s -> id.EndsWith(s, StringComparison.OrdinalIgnoreCase))
        |> Option.map (fun s -> id.Substring(0, id.Length - s.Length))
        |> Option.defaultValue id

    let private roles = [
        ModelRole.Judge, "judge model"
        ModelRole.Creative, "creative model"
        ModelRole.Image, "image model"
    ]

    /// The OpenRouter providers a deployment has a key for (OpenRouter itself, or an OpenAI-compatible URL that is
    /// OpenRouter's).
    let providers (settings: Settings) =
        settings.Providers
        |> List.filter (fun p ->
            p.Configured
            && p.Id <> ProviderId.Gemini
            && OpenAi.dialect p = Dialect.OpenRouter)

    /// Every id a provider is configured with, once each with where it first comes from: its own models, then each
    /// preset's, as the router would send them.
    let configured (presets: PresetTable) (provider: ProviderSettings) : (string * string) list =
        let own =
            roles |> List.map (fun (role, label) -> Router.modelFor provider role, label)

        let fromPresets =
            presets.Presets
            |> List.collect (fun p ->
                roles
                |> List.choose (fun (role, label) ->
                    match
                        Router.modelOf presets provider role {
                            CallTuning.none with
                                Preset = Some p.Name
                        }
                    with
                    | Ok id -> Some(id, $"preset {p.Name} {label}")
                    | Error _ -> None))

        own @ fromPresets
        |> List.filter (fun (id, _) -> not (String.IsNullOrWhiteSpace id))
        |> List.distinctBy fst

    /// Edit distance between two ids (case-insensitive).
    let distance (a: string) (b: string) =
        let a = a.ToLowerInvariant()
        let b = b.ToLowerInvariant()
        let previous = Array.init (b.Length + 1) id
        let current = Array.zeroCreate (b.Length + 1)

        for i in 1 .. a.Length do
            current[0] <- i

            for j in 1 .. b.Length do
                let cost = if a[i - 1] = b[j - 1] then 0 else 1
                current[j] <- min (min (current[j - 1] + 1) (previous[j] + 1)) (previous[j - 1] + cost)

            Array.blit current 0 previous 0 current.Length

        previous[b.Length]

    let private vendor (id: string) =
        match id.IndexOf '/' with
        | -1 -> ""
        | i -> id.Substring(0, i).ToLowerInvariant()

    /// The listed id closest to an unknown one: the nearest of the same vendor, else the nearest of all.
    let suggest (listed: string list) (id: string) =
        let sameVendor = listed |> List.filter (fun l -> vendor l = vendor id)
        let pool = if sameVendor.IsEmpty then listed else sameVendor

        pool |> List.sortBy (fun l -> distance l id, l) |> List.tryHead

    /// The configured ids the registry does not list, each with a suggestion.
    let unknown (registry: RemoteModel list) (configured: (string * string) list) : UnknownModel list =
        let listed = registry |> List.map _.Id
        let known = listed |> List.map (fun l -> l.ToLowerInvariant()) |> Set.ofList

        configured
        |> List.filter (fun (id, _) -> not (known.Contains((registryId id).ToLowerInvariant())))
        |> List.map (fun (id, source) -> {
            Id = id
            Source = source
            Suggestion = suggest listed (registryId id)
        })

    /// One log line for an unknown id.
    let describe (provider: string) (u: UnknownModel) =
        let hint =
            match u.Suggestion with
            | Some s -> $"; did you mean '{s}'?"
            | None -> ""

        $"[{provider}] the {u.Source} '{u.Id}' is not in {provider}'s models list (retired or misspelt){hint}"

    /// Checks every OpenRouter provider with a key: one line per unknown id, or one line saying the list could not
    /// be read (never an exception, never fatal).
    let check (settings: Settings) (http: HttpClient) (ct: CancellationToken) : Task<string list> = task {
        let lines = ResizeArray<string>()

        for provider in providers settings do
            let name = ProviderId.name provider.Id

            let! registry =
                Resilience.withTimeout
                    settings.Timeout
                    name
                    (OpenAi.listModels provider http (fun () -> DateTimeOffset.UtcNow))
                    ct

            match registry with
            | Error e -> lines.Add $"[{name}] model ids not checked: {ProviderError.describe e}"
            | Ok models ->
                for u in unknown models (configured settings.Presets provider) do
                    lines.Add(describe name u)

        return List.ofSeq lines
    }
