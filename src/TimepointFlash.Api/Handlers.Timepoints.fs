namespace TimepointFlash.Api

open System.Text
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open FsToolkit.ErrorHandling
open TimepointFlash

/// Reading, listing and deleting timepoints.
[<RequireQualifiedAccess>]
module TimepointHandlers =
    let private fullParam (ctx: HttpContext) =
        Dto.boolParam "full" true (Http.query "full" ctx)

    /// The wire JSON of a timepoint as bytes with its entity tag.
    let render (full: bool) (t: Timepoint) =
        let bytes = Encoding.UTF8.GetBytes(Encode.toString (TimepointWire.encode full t))

        {
            Bytes = bytes
            ETag = ReadCache.etagOf bytes
        }

    let private respond (ctx: HttpContext) (found: Timepoint option) =
        match found, fullParam ctx with
        | _, Error errors -> Http.unprocessable "Invalid query parameter" errors
        | None, _ -> Errors.timepointNotFound
        | Some t, Ok full -> Http.rendered ctx (render full t)

    /// GET /api/v1/timepoints/{id} — finished timepoints are served from the read cache when there.
    let get (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "id" ctx), fullParam ctx with
        | None, _ -> return Errors.timepointNotFound
        | Some _, Error errors -> return Http.unprocessable "Invalid query parameter" errors
        | Some id, Ok full ->
            match deps.ReadCache.TryGet id full with
            | Some body -> return Http.rendered ctx body
            | None ->
                let epoch = deps.ReadCache.Epoch()

                match! deps.App.Store.Get id with
                | None -> return Errors.timepointNotFound
                | Some t ->
                    let body = render full t

                    if ReadCache.cacheable t.Status then
                        deps.ReadCache.Put id full epoch body

                    return Http.rendered ctx body
    }

    /// GET /api/v1/timepoints/slug/{slug}
    let getBySlug (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let slug = Http.route "slug" ctx

        if slug.Length > 200 then
            return Errors.timepointNotFound
        else
            let! t = deps.App.Store.GetBySlug slug
            return respond ctx t
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

    /// GET /api/v1/timepoints?page&page_size&status&q
    let list (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let parsed = validation {
            let! page = Dto.intParam "page" 1 1 1_000_000 (Http.query "page" ctx)
            and! size = Dto.intParam "page_size" 20 1 100 (Http.query "page_size" ctx)
            and! status = Dto.statusParam (Http.query "status" ctx)
            and! search = Dto.searchParam (Http.query "q" ctx)

            return {
                Page = page
                PageSize = size
                Status = status
                Search = search
            }
        }

        match parsed with
        | Error errors -> return Http.unprocessable "Invalid query parameters" errors
        | Ok q ->
            let! page = deps.App.Store.ListSummaries q

            return Http.ok (AppWire.page page)
    }

    /// DELETE /api/v1/timepoints/{id}
    let delete (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "id" ctx) with
        | None -> return Errors.timepointNotFound
        | Some id ->
            match! deps.App.Store.Delete id with
            | false -> return Errors.timepointNotFound
            | true -> return Http.ok (AppWire.deleted id)
    }
