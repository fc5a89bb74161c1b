namespace TimepointFlash.Api

open System
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open TimepointFlash

/// Health, readiness and models.
[<RequireQualifiedAccess>]
module SystemHandlers =
    /// GET /health — liveness, no I/O.
    let health (deps: ApiDeps) (_: HttpContext) : Task<IResult> =
        Task.FromResult(
            Http.ok (Encode.obj [ "status", Encode.string "healthy"; "version", Encode.string deps.Version ])
        )

    /// GET /api/v1/health — readiness: 503 when the database does not answer within 5 s.
    let ready (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        use cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted)
        cts.CancelAfter(TimeSpan.FromSeconds 5.0)

        let! database = task {
            try
                return! deps.App.Store.Ping cts.Token
            with _ ->
                return false
        }

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

    /// GET /api/v1/models?provider&capability&fetch_remote
    let models (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.boolParam "fetch_remote" false (Http.query "fetch_remote" ctx) with
        | Error errors -> return Http.unprocessable "Invalid query parameter" errors
        | Ok remote ->
            let! all, cached = deps.Engine.ListModels remote ctx.RequestAborted
            let provider = Http.query "provider" ctx
            let capability = Http.query "capability" ctx

            let text (n: Text.Json.Nodes.JsonNode) (key: string) =
                match n[key] with
                | null -> ""
                | v -> v.ToString()

            let matches (n: Text.Json.Nodes.JsonNode) =
                (provider |> Option.forall (fun p -> text n "provider" = p))
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

    /// GET /api/v1/models/providers
    let providers (deps: ApiDeps) (_: HttpContext) : Task<IResult> =
        Task.FromResult(Http.ok (Encode.obj [ "providers", deps.Engine.Describe() ]))

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
