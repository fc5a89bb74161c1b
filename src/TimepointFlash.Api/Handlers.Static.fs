namespace TimepointFlash.Api

open System.Threading.Tasks
open Microsoft.AspNetCore.Http

/// GET /static/{name}: the embedded page script and stylesheet with an ETag and a year of caching.
[<RequireQualifiedAccess>]
module StaticHandlers =
    /// Serves one asset (304 when If-None-Match names its version).
    let asset (ctx: HttpContext) : Task<IResult> =
        let name = Http.route "name" ctx

        match Assets.all |> List.tryFind (fun a -> a.Name = name) with
        | None -> Task.FromResult(Http.notFound "No such static file")
        | Some a ->
            let etag = $"\"{a.Hash}\""
            ctx.Response.Headers.ETag <- etag
            ctx.Response.Headers.CacheControl <- Assets.cacheControl
            let ifNoneMatch = string ctx.Request.Headers.IfNoneMatch

            if ifNoneMatch <> "" && Http.matchesETag ifNoneMatch etag then
                Task.FromResult(Results.StatusCode StatusCodes.Status304NotModified)
            else
                Task.FromResult(Results.Bytes(a.Bytes, a.ContentType))
