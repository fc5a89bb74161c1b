namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open Giraffe.ViewEngine
open TimepointFlash

/// Server-rendered pages; forms work without JavaScript (the page script adds live progress).
[<RequireQualifiedAccess>]
module UiHandlers =
    let private html = Pages.html

    let private message (deps: ApiDeps) (ctx: HttpContext) status (title: string) (text: string) =
        Pages.message deps ctx status title text

    /// The HTML page for a storage failure (status and Retry-After from Errors.ofStorage, never JSON).
    let storagePage (deps: ApiDeps) (ctx: HttpContext) (e: DbError) : IResult =
        let answer = Errors.ofStorage e
        Errors.retryAfter ctx answer

        let title =
            if DbError.isOutage e then
                "Temporarily unavailable"
            else
                answer.Title

        message deps ctx answer.Status title answer.Detail

    let private listing (deps: ApiDeps) (ctx: HttpContext) (error: string option) (status: int) = task {
        let page =
            match Dto.intParam "page" 1 1 1_000_000 (Http.query "page" ctx) with
            | Ok p -> p
            | Error _ -> 1

        let search =
            match Dto.searchParam (Http.query "q" ctx) with
            | Ok s -> s
            | Error _ -> None

        let! result =
            deps.App.Store.ListSummaries {
                Page = page
                PageSize = 12
                Status = None
                Search = search
                After = None
            }

        return html status (HomeView.page (Pages.chrome deps ctx) deps.App.Presets search result error)
    }

    /// GET /
    let home (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = listing deps ctx None 200

    /// The posted form, or None when the request is not a readable form.
    let form (ctx: HttpContext) = task {
        if not ctx.Request.HasFormContentType then
            return None
        else
            try
                let! f = ctx.Request.ReadFormAsync(ctx.RequestAborted)
                return Some f
            with
            | :? InvalidOperationException
            | :? IO.InvalidDataException -> return None
    }

    /// The generate form as the JSON body the API reads: blank fields are left out, the temperature is a number
    /// when it reads as one (else a string the decoder refuses).
    let private formBody (f: IFormCollection) =
        let field (name: string) =
            let v = string f[name]
            if String.IsNullOrWhiteSpace v then None else Some(v.Trim())

        let temperature =
            field "temperature"
            |> Option.map (fun t ->
                match
                    Double.TryParse(t, Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture)
                with
                | true, v when Double.IsFinite v -> Encode.float v
                | _ -> Encode.string t)

        let node =
            Encode.obj [
                "query", Encode.string (string f["query"])
                for name in [ "preset"; "text_model"; "image_model"; "grounding" ] do
                    match field name with
                    | Some v -> name, Encode.string v
                    | None -> ()
                match temperature with
                | Some t -> "llm_params", Encode.obj [ "temperature", t ]
                | None -> ()
            ]

        Text.Json.JsonDocument.Parse(Encode.toString node).RootElement

    /// POST /ui/generate — generates now, then opens the scene.
    let generate (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match! form ctx with
        | None -> return message deps ctx 415 "Unsupported form" "Submit the form from the home page."
        | Some f ->
            let image = string f["generate_image"] = "true"

            match Dto.generate deps.App.Presets.Names "" (formBody f) with
            | Error errors ->
                let text = errors |> List.map DecodeError.describe |> String.concat "; "
                return! listing deps ctx (Some $"Please check the form: {text}") 422
            | Ok body ->
                let! t =
                    Generation.runNowWith
                        deps.App
                        body.Control
                        (fun _ -> Task.CompletedTask)
                        body.Query
                        image
                        deps.Stopping

                return Results.Redirect($"/t/{t.Slug}", false)
    }

    /// The timepoint named by the route's slug.
    let bySlug (deps: ApiDeps) (ctx: HttpContext) =
        let slug = Http.route "slug" ctx

        if slug.Length > 200 then
            Task.FromResult None
        else
            deps.App.Store.GetBySlug slug

    /// GET /t/{slug}
    let scene (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match! bySlug deps ctx with
        | None -> return message deps ctx 404 "Scene not found" "No scene has this address."
        | Some t ->
            let! logs = deps.App.Store.Logs t.Id 0L
            let! seq = Sequence.load deps.App.Store Sequence.Side.Both 10 t

            let! session =
                match Http.query "session" ctx |> Option.bind Dto.id with
                | None -> Task.FromResult None
                | Some sid -> deps.Interact.Session sid

            // A session of another scene is not shown here.
            let session = session |> Option.filter (fun s -> s.TimepointId = t.Id)
            return html 200 (SceneView.page (Pages.chrome deps ctx) t logs seq session)
    }

    /// GET /t/{slug}/card.svg
    let card (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match! bySlug deps ctx with
        | None -> return Http.notFound "Timepoint not found"
        | Some t ->
            let bytes, mime = deps.SceneCard t
            return Results.Bytes(bytes, mime)
    }

    /// POST /t/{slug}/travel — navigates now, then opens the new scene.
    let travel (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match! bySlug deps ctx with
        | None -> return message deps ctx 404 "Scene not found" "No scene has this address."
        | Some t ->
            match! form ctx with
            | None -> return message deps ctx 415 "Unsupported form" "Submit the travel form from the scene page."
            | Some f ->
                let direction =
                    match string f["direction"] with
                    | "prior" -> Some Direction.Prior
                    | "next" -> Some Direction.Next
                    | _ -> None

                let units =
                    match Int32.TryParse(string f["units"]) with
                    | true, n when n >= 1 && n <= 365 -> Some n
                    | _ -> None

                match direction, units, TimeUnit.parse (string f["unit"]) with
                | Some d, Some n, Ok u ->
                    match! Navigation.run deps.App (fun _ -> Task.CompletedTask) t.Id d n u deps.Stopping with
                    | Ok o -> return Results.Redirect($"/t/{o.Target.Slug}", false)
                    | Error e ->
                        let text =
                            match e with
                            | AppError.Temporal te -> TemporalError.describe te
                            | AppError.NotCompleted _ -> "Only completed scenes can be travelled from."
                            | AppError.NotFound w -> $"{w} not found."
                            | AppError.NoDate _ -> "This scene has no date."

                        return message deps ctx 422 "Cannot travel" text
                | _ -> return message deps ctx 422 "Cannot travel" "Choose prior or next, 1–365 units and a unit."
    }

    /// POST /t/{slug}/delete
    let delete (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match! bySlug deps ctx with
        | None -> return message deps ctx 404 "Scene not found" "No scene has this address."
        | Some t ->
            let! _ = deps.App.Store.Delete Removal.Soft t.Id
            return Results.Redirect("/", false)
    }
