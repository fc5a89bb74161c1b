namespace TimepointFlash.Api

open System
open System.Text
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open Giraffe.ViewEngine
open TimepointFlash

/// The formats a timepoint exports to.
[<RequireQualifiedAccess>]
type ExportFormat =
    | Json
    | Markdown
    | Html

/// Exporting a timepoint: the TDF record and downloadable JSON, Markdown and self-contained HTML.
[<RequireQualifiedAccess>]
module ExportHandlers =
    /// Every format's wire name.
    let formats = [
        "json", ExportFormat.Json
        "markdown", ExportFormat.Markdown
        "html", ExportFormat.Html
    ]

    /// The format named by `?format=` (json when absent).
    let parseFormat (value: string option) =
        match value |> Option.map (fun s -> s.ToLowerInvariant()) with
        | None -> Ok ExportFormat.Json
        | Some name ->
            match formats |> List.tryFind (fst >> (=) name) with
            | Some(_, f) -> Ok f
            | None ->
                Error [
                    {
                        Path = "format"
                        Message = "must be one of json, markdown, html"
                    }
                ]

    /// A self-contained HTML page of a timepoint, the image inlined as a data URI; every text is escaped.
    let html (t: Timepoint) (image: (byte[] * string) option) =
        let when' =
            t.Point |> Option.map Temporal.format |> Option.defaultValue "date unknown"

        let where' = t.Location |> Option.defaultValue "place unknown"

        let section (heading: string) (body: XmlNode list) = [ h2 [] [ str heading ]; yield! body ]

        html [ _lang "en" ] [
            head [] [
                meta [ _charset "utf-8" ]
                title [] [ str $"{t.Query} · TimepointFlash" ]
                style [] [
                    rawText
                        "body{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}img{max-width:100%}blockquote{margin:0 0 .5rem 1rem}"
                ]
            ]
            body [] [
                h1 [] [ str t.Query ]
                p [] [ em [] [ str $"{when'} · {where'}" ] ]
                match image with
                | Some(bytes, mime) -> img [ _src $"data:{mime};base64,{Convert.ToBase64String bytes}"; _alt t.Query ]
                | None -> ()
                yield!
                    t.Moment
                    |> Option.map (fun m -> section "The moment" [ p [] [ str m.PlotSummary ] ])
                    |> Option.defaultValue []
                yield!
                    t.Scene
                    |> Option.map (fun s -> section "The scene" [ p [] [ str s.Setting ]; p [] [ str s.Atmosphere ] ])
                    |> Option.defaultValue []
                yield!
                    t.Characters
                    |> Option.map (fun cs ->
                        section "Characters" [
                            ul [] [
                                for c in cs.Characters -> li [] [ strong [] [ str c.Name ]; str $": {c.Description}" ]
                            ]
                        ])
                    |> Option.defaultValue []
                yield!
                    t.Dialog
                    |> Option.map (fun d ->
                        section "Dialog" [
                            for l in d.Lines -> blockquote [] [ strong [] [ str l.Speaker ]; str $": {l.Text}" ]
                        ])
                    |> Option.defaultValue []
                footer [] [ small [] [ str $"TimepointFlash · {t.Slug} · {t.Id}" ] ]
            ]
        ]
        |> RenderView.AsString.htmlDocument

    let private attachment (ctx: HttpContext) (t: Timepoint) (extension: string) =
        ctx.Response.Headers.ContentDisposition <- $"attachment; filename=\"{t.Slug}.{extension}\""

    let private load (deps: ApiDeps) (ctx: HttpContext) = task {
        match Dto.id (Http.route "id" ctx) with
        | None -> return None
        | Some id -> return! deps.App.Store.Get id
    }

    /// GET /api/v1/timepoints/{id}/tdf — the canonical record with its stable hash.
    let tdf (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match! load deps ctx with
        | None -> return Errors.timepointNotFound
        | Some t -> return Http.ok (Tdf.record t)
    }

    /// GET /api/v1/timepoints/{id}/export?format=json|markdown|html — a download.
    let export (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match parseFormat (Http.query "format" ctx) with
        | Error errors -> return Http.unprocessable "Invalid query parameter" errors
        | Ok format ->
            match! load deps ctx with
            | None -> return Errors.timepointNotFound
            | Some t ->
                match format with
                | ExportFormat.Json ->
                    attachment ctx t "json"
                    return Http.ok (TimepointWire.encode true t)
                | ExportFormat.Markdown ->
                    attachment ctx t "md"

                    let url =
                        if t.HasImage then
                            Some(TimepointWire.imageUrl t.Id)
                        else
                            None

                    return Results.Text(TimepointMarkdown.render t url, "text/markdown; charset=utf-8", Encoding.UTF8)
                | ExportFormat.Html ->
                    let! image =
                        if t.HasImage then
                            task {
                                let! i = deps.App.Store.GetImage t.Id
                                return i |> Option.map (fun i -> i.Bytes, i.MimeType)
                            }
                        else
                            Task.FromResult None

                    attachment ctx t "html"
                    return Results.Text(html t image, "text/html; charset=utf-8", Encoding.UTF8)
    }
