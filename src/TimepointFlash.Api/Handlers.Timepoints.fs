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

    let private respond (ctx: HttpContext) (found: Timepoint option) =
        match found, fullParam ctx with
        | _, Error errors -> Http.unprocessable "Invalid query parameter" errors
        | None, _ -> Errors.timepointNotFound
        | Some t, Ok full -> Http.ok (TimepointWire.encode full t)

    /// GET /api/v1/timepoints/{id}
    let get (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "id" ctx) with
        | None -> return Errors.timepointNotFound
        | Some id ->
            let! t = deps.App.Store.Get id
            return respond ctx t
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
            let! page = deps.App.Store.List q

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
