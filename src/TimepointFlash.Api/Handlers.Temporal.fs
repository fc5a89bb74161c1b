namespace TimepointFlash.Api

open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open FsToolkit.ErrorHandling
open TimepointFlash

/// Time travel from a scene: next, prior and the sequence of linked scenes.
[<RequireQualifiedAccess>]
module TemporalHandlers =
    /// POST /api/v1/temporal/{id}/next and /prior.
    let navigate (direction: Direction) (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> =
        ctx
        |> Http.bindJson (Dto.navigate deps.App.Presets.Names) (fun body -> task {
            match Dto.id (Http.route "id" ctx) with
            | None -> return Http.notFound "Source timepoint not found"
            | Some id ->
                let response (source: Timepoint) (target: Timepoint) =
                    AppWire.navigation source target direction body.Units body.Unit

                let callback = WebhookHandlers.resolve deps body.Callback

                match callback with
                | Error refused -> return refused
                | Ok(Some _) when not body.Background -> return WebhookHandlers.notBackground
                | Ok callback when body.Background ->
                    match! Navigation.enqueueWith deps.App callback body.Control id direction body.Units body.Unit with
                    | Error e -> return Errors.ofApp e
                    | Ok target ->
                        let! source = deps.App.Store.Get id

                        match source with
                        | Some s -> return Http.ok (response s { target with Point = None })
                        | None -> return Http.notFound "Source timepoint not found"
                | Ok _ ->
                    let! outcome =
                        Navigation.runWith
                            deps.App
                            body.Control
                            (fun _ -> Task.CompletedTask)
                            id
                            direction
                            body.Units
                            body.Unit
                            deps.Stopping

                    match outcome with
                    | Error e -> return Errors.ofApp e
                    | Ok o -> return Http.ok (response o.Source o.Target)
        })

    /// GET /api/v1/temporal/{id}/sequence?direction&limit
    let sequence (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        let parsed = validation {
            let! side =
                match Http.query "direction" ctx with
                | None -> Ok Sequence.Side.Both
                | Some s ->
                    Sequence.parseSide s
                    |> Result.requireSome [
                        {
                            Path = "direction"
                            Message = "must be prior, next or both"
                        }
                    ]

            and! limit = Dto.intParam "limit" 10 1 50 (Http.query "limit" ctx)

            return side, limit
        }

        match parsed with
        | Error errors -> return Http.unprocessable "Invalid query parameters" errors
        | Ok(side, limit) ->
            match Dto.id (Http.route "id" ctx) with
            | None -> return Errors.timepointNotFound
            | Some id ->
                match! deps.App.Store.Get id with
                | None -> return Errors.timepointNotFound
                | Some center ->
                    let! view = Sequence.load deps.App.Store side limit center

                    return Http.ok (AppWire.sequence view)
    }
