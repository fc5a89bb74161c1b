namespace TimepointFlash

open System
open System.Threading.Tasks
open FsToolkit.ErrorHandling

/// Travel in time from a completed scene: the next or prior moment, generated with the source as context.
[<RequireQualifiedAccess>]
module Navigation =
    /// The outcome of a navigation.
    type Outcome = {
        Source: Timepoint
        Target: Timepoint
        Direction: Direction
        Units: int
        Unit: TimeUnit
    }

    /// Wire name of a direction.
    let directionName =
        function
        | Direction.Next -> "next"
        | Direction.Prior -> "prior"

    let private ageBy (years: int) (c: Character) =
        if years = 0 then
            c
        else
            let span = if abs years = 1 then "1 year" else $"{abs years} years"
            let shift = if years > 0 then $"{span} older" else $"{span} younger"

            {
                c with
                    AgeDescription =
                        c.AgeDescription
                        |> Option.map (fun a -> $"{a}, {shift} than in the source scene")
                        |> Option.orElse (Some $"{shift} than in the source scene")
            }

    /// The context a navigated scene carries from its source (characters aged by the years elapsed).
    let continuity (source: Timepoint) (point: TemporalPoint) (target: TemporalPoint) direction units unit =
        let years =
            let y (p: TemporalPoint) =
                if p.Year < 0 then p.Year + 1 else p.Year

            y target - y point

        {
            SourceId = source.Id
            SourceQuery = source.Query
            Direction = direction
            Units = units
            Unit = unit
            Target = target
            Location = source.Location |> Option.defaultValue "the same place"
            Characters =
                source.Characters
                |> Option.map (fun c -> c.Characters |> List.map (ageBy years))
                |> Option.defaultValue []
            Setting = source.Scene |> Option.map (fun s -> s.Setting)
            PriorPlot = source.Moment |> Option.map (fun m -> m.PlotSummary)
            YearsElapsed = years
        }

    /// The query text of a navigated scene: the source's query and the offset ("moon landing 1969, 1 hour later").
    let query (source: Timepoint) (c: Continuity) =
        let unitName = TimeUnit.name c.Unit
        let plural = if c.Units = 1 then unitName else unitName + "s"
        let way = if c.Direction = Direction.Next then "later" else "earlier"
        $"{String.truncate 400 source.Query}, {c.Units} {plural} {way}"

    /// Validates the source and computes the target date and context.
    let plan (source: Timepoint) (direction: Direction) (units: int) (unit: TimeUnit) = result {
        do!
            source.Status = TimepointStatus.Completed
            |> Result.requireTrue (AppError.NotCompleted(source.Id, source.Status))

        let! point = source.Point |> Result.requireSome (AppError.NoDate source.Id)
        let n = if direction = Direction.Next then units else -units
        // In the calendar of the source's place: a day the place skipped is never a target.
        let! target =
            PlaceCalendar.step source.Location n unit point
            |> Result.mapError AppError.Temporal

        return continuity source point target direction units unit
    }

    /// Loads the source and plans the navigation.
    let prepare (env: AppEnv) (sourceId: Guid) direction units unit = task {
        match! env.Store.Get sourceId with
        | None -> return Error(AppError.NotFound "Source timepoint")
        | Some source -> return plan source direction units unit |> Result.map (fun c -> source, c)
    }

    /// The target timepoint of a navigation: the source's generation control with the request's laid over it.
    let private target (env: AppEnv) (control: GenerationControl) (source: Timepoint) (c: Continuity) =
        Generation.createWith
            env
            (GenerationControl.overlay control source.Control)
            (query source c)
            false
            (Some source.Id)

    /// Navigates and generates the target scene now under a control (unset parts inherit the source's).
    let runWith (env: AppEnv) control (observe: StepRecord -> Task) (sourceId: Guid) direction units unit ct = task {
        match! prepare env sourceId direction units unit with
        | Error e -> return Error e
        | Ok(source, c) ->
            let t = target env control source c
            let! stored = env.Store.Insert t

            let! target =
                Generation.runGuarded (Generation.failureOf Generation.interrupted) env observe stored (Some c) ct

            return
                Ok {
                    Source = source
                    Target = target
                    Direction = direction
                    Units = units
                    Unit = unit
                }
    }

    /// Navigates and generates the target scene now; the target is linked to the source by parent_id.
    let run (env: AppEnv) (observe: StepRecord -> Task) (sourceId: Guid) direction units unit ct =
        runWith env GenerationControl.none observe sourceId direction units unit ct

    /// Queues a navigation as a background job under a control, with an optional callback; the target
    /// (processing) is returned.
    let enqueueWith (env: AppEnv) (callback: Callback option) control (sourceId: Guid) direction units unit = task {
        match! prepare env sourceId direction units unit with
        | Error e -> return Error e
        | Ok(source, c) ->
            let t = target env control source c

            let! stored =
                env.Store.Enqueue t {
                    TimepointId = t.Id
                    Query = t.Query
                    GenerateImage = false
                    Navigation =
                        Some {
                            SourceId = source.Id
                            Direction = direction
                            Units = units
                            Unit = unit
                        }
                    Callback = callback
                }

            env.Wake()
            return Ok stored
    }

    /// Queues a navigation as a background job; the target (processing) is returned.
    let enqueue (env: AppEnv) (sourceId: Guid) direction units unit =
        enqueueWith env None GenerationControl.none sourceId direction units unit
