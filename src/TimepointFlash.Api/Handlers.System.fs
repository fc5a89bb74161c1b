namespace TimepointFlash.Api

open System
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open FsToolkit.ErrorHandling
open TimepointFlash

/// Health, readiness and models.
[<RequireQualifiedAccess>]
module SystemHandlers =
    /// Each provider's name and whether it is configured (the reference's `providers` object; Gemini also under
    /// the reference's name `google`).
    let private providerFlags (deps: ApiDeps) =
        let flags =
            match deps.Engine.Describe()["providers"] with
            | :? Text.Json.Nodes.JsonArray as list ->
                list
                |> Seq.choose (fun p ->
                    match p with
                    | null -> None
                    | p -> Some(string p["provider"], string p["available"] = "true"))
                |> List.ofSeq
            | _ -> []

        let google =
            match List.tryFind (fst >> (=) "gemini") flags with
            | Some(_, on) when not (List.exists (fst >> (=) "google") flags) -> [ "google", on ]
            | _ -> []

        flags @ google
        |> List.map (fun (name, on) -> name, Encode.bool on)
        |> Encode.obj

    let private healthBody (deps: ApiDeps) (database: bool) (status: string) =
        Encode.obj [
            "status", Encode.string status
            "version", Encode.string deps.Version
            "database", Encode.bool database
            "providers", providerFlags deps
            "engine", Encode.string deps.Engine.Name
        ]

    /// Whether the database answers within 5 s.
    let private ping (deps: ApiDeps) (ctx: HttpContext) = task {
        use cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted)
        cts.CancelAfter(TimeSpan.FromSeconds 5.0)

        try
            return! deps.App.Store.Ping cts.Token
        with _ ->
            return false
    }

    /// GET /health — liveness, no I/O: `database` is true (not checked; see /health/deep) as in the reference.
    let health (deps: ApiDeps) (_: HttpContext) : Task<IResult> =
        Task.FromResult(Http.ok (healthBody deps true "healthy"))

    /// GET /health/deep — checks the database within 5 s; `degraded` (still 200) when it does not answer.
    let deep (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let! database = ping deps ctx
        return Http.ok (healthBody deps database (if database then "healthy" else "degraded"))
    }

    /// GET /api/v1/status — versions, environment, the primary provider and its models.
    let status (deps: ApiDeps) (_: HttpContext) : Task<IResult> =
        let d = deps.Engine.Describe()

        let primary =
            match d["primary"] with
            | null -> None
            | p -> Some(string p)

        let entry =
            match d["providers"], primary with
            | (:? Text.Json.Nodes.JsonArray as list), Some name ->
                list |> Seq.tryFind (fun p -> not (isNull p) && string p["provider"] = name)
            | _ -> None

        let model (key: string) =
            match entry with
            | Some p when not (isNull p[key]) -> Encode.string (string p[key])
            | _ when deps.Engine.IsOffline -> Encode.string TimepointFlash.Engines.OfflineEngine.modelId
            | _ -> Encode.nil

        Task.FromResult(
            Http.ok (
                Encode.obj [
                    "api_version", Encode.string "v1"
                    "app_version", Encode.string deps.Version
                    "environment", Encode.string deps.Environment
                    "primary_provider", Encode.string (primary |> Option.defaultValue deps.Engine.Name)
                    "models",
                    Encode.obj [
                        "judge", model "judge_model"
                        "creative", model "creative_model"
                        "image", model "image_model"
                    ]
                ]
            )
        )

    /// GET /api/v1/health — readiness: 503 when the database does not answer within 5 s.
    let ready (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let! database = ping deps ctx

        let body =
            Encode.obj [
                "status", Encode.string (if database then "ready" else "unavailable")
                "version", Encode.string deps.Version
                "environment", Encode.string deps.Environment
                "database", Encode.bool database
                "engine", Encode.string deps.Engine.Name
                "offline", Encode.bool deps.Engine.IsOffline
                "providers", deps.Engine.Describe()
            ]

        return Http.json (if database then 200 else 503) body
    }

    /// True when a model node's prompt and completion prices are both zero.
    let isFree (n: Text.Json.Nodes.JsonNode) =
        let price (key: string) =
            match n["pricing"] with
            | :? Text.Json.Nodes.JsonObject as p when not (isNull p[key]) -> Some(p[key].GetValue<float>())
            | _ -> None

        price "prompt" = Some 0.0 && price "completion" = Some 0.0

    /// GET /api/v1/presets — the deployment's presets, the models each uses per provider, and the default.
    let presets (deps: ApiDeps) (_: HttpContext) : Task<IResult> =
        Task.FromResult(Http.ok (deps.Engine.Presets()))

    /// GET /api/v1/models?provider&capability&fetch_remote&free_only
    let models (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let parsed = validation {
            let! remote = Dto.boolParam "fetch_remote" false (Http.query "fetch_remote" ctx)
            and! freeOnly = Dto.boolParam "free_only" false (Http.query "free_only" ctx)
            return remote, freeOnly
        }

        match parsed with
        | Error errors -> return Http.unprocessable "Invalid query parameter" errors
        | Ok(remote, freeOnly) ->
            let! all, cached = deps.Engine.ListModels remote ctx.RequestAborted
            let provider = Http.query "provider" ctx
            let capability = Http.query "capability" ctx

            let text (n: Text.Json.Nodes.JsonNode) (key: string) =
                match n[key] with
                | null -> ""
                | v -> v.ToString()

            let matches (n: Text.Json.Nodes.JsonNode) =
                (provider
                 |> Option.forall (fun p -> String.Equals(text n "provider", p, StringComparison.OrdinalIgnoreCase)))
                && (not freeOnly || isFree n)
                && (capability
                    |> Option.forall (fun c ->
                        match n["capabilities"] with
                        | :? Text.Json.Nodes.JsonArray as a ->
                            a |> Seq.exists (fun x -> not (isNull x) && x.ToString() = c)
                        | _ -> false))

            let items = all |> List.filter matches

            return
                Http.ok (
                    Encode.obj [
                        "models", Encode.list (fun (n: Text.Json.Nodes.JsonNode) -> n.DeepClone()) items
                        "total", Encode.int items.Length
                        "cached", Encode.bool cached
                    ]
                )
    }

    /// GET /api/v1/models/providers — `providers` is the list the reference's clients read; the engine's settings
    /// sit beside it.
    let providers (deps: ApiDeps) (_: HttpContext) : Task<IResult> =
        Task.FromResult(Http.ok (deps.Engine.Describe()))

    /// The free models (both prices zero) of a catalogue, largest context first, as `{best, fastest, all_free, total,
    /// note}`: `best` has the largest context; `fastest` is picked among those with at least 32k of context (else
    /// the largest) preferring Gemini Flash, other Gemini, Claude, then `:free` ids, smaller context first.
    let freeModels (catalogue: Text.Json.Nodes.JsonNode list) : Text.Json.Nodes.JsonNode =
        let context (n: Text.Json.Nodes.JsonNode) =
            match n["context_length"] with
            | null -> None
            | v -> Some(v.GetValue<int>())

        let id (n: Text.Json.Nodes.JsonNode) = n["id"].ToString().ToLowerInvariant()

        let all =
            catalogue
            |> List.filter isFree
            |> List.sortByDescending (fun n -> context n |> Option.defaultValue 0)

        let preference (n: Text.Json.Nodes.JsonNode) =
            let i = id n

            if i.Contains "gemini" && i.Contains "flash" then 0
            elif i.Contains "gemini" then 1
            elif i.Contains "claude" || i.Contains "anthropic" then 2
            elif i.Contains ":free" then 3
            else 4

        let fastest =
            match all |> List.filter (fun n -> context n |> Option.exists (fun c -> c >= 32000)) with
            | [] -> List.tryHead all
            | roomy ->
                roomy
                |> List.sortBy (fun n -> preference n, context n |> Option.defaultValue 100000)
                |> List.tryHead

        let node (n: Text.Json.Nodes.JsonNode option) =
            n |> Option.map _.DeepClone() |> Option.toObj

        Encode.obj [
            "best", node (List.tryHead all)
            "fastest", node fastest
            "all_free", Encode.list (fun (n: Text.Json.Nodes.JsonNode) -> n.DeepClone()) all
            "total", Encode.int all.Length
            "note",
            Encode.string
                "Free models are those of the catalogue whose prompt and completion prices are both 0; their availability and rate limits vary."
        ]

    /// GET /api/v1/models/free — the free models of the configured list and the remote catalogue.
    let free (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let! all, _ = deps.Engine.ListModels true ctx.RequestAborted
        return Http.ok (freeModels all)
    }

    /// GET /api/v1/models/{**model_id}
    let model (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let id = Http.route "model_id" ctx
        let! all, _ = deps.Engine.ListModels false ctx.RequestAborted

        match
            all
            |> List.tryFind (fun n ->
                match n["id"] with
                | null -> false
                | v -> v.ToString() = id)
        with
        | Some n -> return Http.ok (n.DeepClone())
        | None -> return Http.notFound $"Model '{String.truncate 200 id}' not found"
    }
