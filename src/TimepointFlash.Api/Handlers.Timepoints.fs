namespace TimepointFlash.Api

open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open FsToolkit.ErrorHandling
open TimepointFlash

/// Reading, listing and deleting timepoints.
[<RequireQualifiedAccess>]
module TimepointHandlers =
    let private fullParam (ctx: HttpContext) =
        Dto.boolParam "full" true (Http.query "full" ctx)

    /// The body with image_base64 set to the stored image (the reference's include_image=true); unchanged when the
    /// timepoint has no image.
    let private withImage (deps: ApiDeps) (id: System.Guid) (body: RenderedBody) = task {
        match! deps.App.Store.GetImage id with
        | None -> return body
        | Some img ->
            let node = System.Text.Json.Nodes.JsonNode.Parse(body.Bytes)
            node["image_base64"] <- Encode.string (System.Convert.ToBase64String img.Bytes)
            return StoredWire.body (System.Text.Encoding.UTF8.GetBytes(Encode.toString node))
    }

    /// GET /api/v1/timepoints/{id} — the stored bytes; finished timepoints are kept in the read cache a while.
    /// With include_image=true the image is inlined (never cached: the stored bytes stay small).
    let get (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match
            Dto.id (Http.route "id" ctx),
            fullParam ctx,
            Dto.boolParam "include_image" false (Http.query "include_image" ctx)
        with
        | None, _, _ -> return Errors.timepointNotFound
        | Some _, Error errors, _
        | Some _, _, Error errors -> return Http.unprocessable "Invalid query parameter" errors
        | Some id, Ok full, Ok true ->
            match! deps.App.Store.GetWire id full with
            | None -> return Errors.timepointNotFound
            | Some(body, _) ->
                let! inlined = withImage deps id body
                return Http.rendered ctx inlined
        | Some id, Ok full, Ok false ->
            match deps.ReadCache.TryGet id full with
            | Some body -> return Http.rendered ctx body
            | None ->
                let epoch = deps.ReadCache.Epoch()

                match! deps.App.Store.GetWire id full with
                | None -> return Errors.timepointNotFound
                | Some(body, status) ->
                    if ReadCache.cacheable status then
                        deps.ReadCache.Put id full epoch body

                    return Http.rendered ctx body
    }

    /// GET /api/v1/timepoints/slug/{slug}
    let getBySlug (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let slug = Http.route "slug" ctx

        match fullParam ctx with
        | _ when slug.Length > 200 -> return Errors.timepointNotFound
        | Error errors -> return Http.unprocessable "Invalid query parameter" errors
        | Ok full ->
            match! deps.App.Store.GetWireBySlug slug full with
            | None -> return Errors.timepointNotFound
            | Some(body, _) -> return Http.rendered ctx body
    }

    /// GET /api/v1/timepoints/{id}/image
    let image (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "id" ctx) with
        | None -> return Errors.timepointNotFound
        | Some id ->
            match! deps.App.Store.GetImage id with
            | Some img -> return Results.Bytes(img.Bytes, img.MimeType)
            | None -> return Http.notFound "Image not found: this timepoint has no image"
    }

    /// GET /api/v1/timepoints?page&page_size&status&q&cursor
    let list (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let parsed = validation {
            let! page = Dto.intParam "page" 1 1 1_000_000 (Http.query "page" ctx)
            and! size = Dto.intParam "page_size" 20 1 100 (Http.query "page_size" ctx)
            and! status = Dto.statusParam (Http.query "status" ctx)
            and! search = Dto.searchParam (Http.query "q" ctx)
            and! after = Dto.cursorParam (Http.query "cursor" ctx)

            return {
                Page = page
                PageSize = size
                Status = status
                Search = search
                After = after
            }
        }

        match parsed with
        | Error errors -> return Http.unprocessable "Invalid query parameters" errors
        | Ok q ->
            let! page = deps.App.Store.ListWire q

            return Http.rendered ctx (StoredWire.body (AppWire.pageBytes page))
    }

    /// DELETE /api/v1/timepoints/{id}?permanent — a soft delete unless permanent=true.
    let delete (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "id" ctx), Dto.boolParam "permanent" false (Http.query "permanent" ctx) with
        | None, _ -> return Errors.timepointNotFound
        | Some _, Error errors -> return Http.unprocessable "Invalid query parameter" errors
        | Some id, Ok permanent ->
            let removal = if permanent then Removal.Permanent else Removal.Soft

            match! deps.App.Store.Delete removal id with
            | false -> return Errors.timepointNotFound
            | true -> return Http.ok (AppWire.deleted removal id)
    }
