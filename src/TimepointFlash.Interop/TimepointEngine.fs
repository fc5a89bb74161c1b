namespace TimepointFlash.Interop

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Interop
open TimepointFlash.Runtime

/// The TimepointFlash engine for C# callers: generate scenes, travel in time, list and delete.
/// Create it with CreateAsync and dispose it when done.
[<Sealed>]
type TimepointEngine private (services: Services) =
    let app = services.App

    let run (query: string) (image: bool) (observe: StepEvent -> Task) (ct: CancellationToken) = task {
        if
            String.IsNullOrWhiteSpace query
            || query.Trim().Length < 3
            || query.Trim().Length > 500
        then
            raise (ArgumentException("The query must be 3 to 500 characters long.", "query"))

        let! t = Generation.runNow app observe query image ct
        return t
    }

    let finish (t: TimepointFlash.Timepoint) =
        match Convert.failure t with
        | null -> Convert.timepoint t
        | e -> raise e

    static let lookupFrom (o: TimepointEngineOptions) =
        let given =
            [
                "DATABASE_URL", o.DatabaseUrl
                "GOOGLE_API_KEY", o.GoogleApiKey
                "OPENROUTER_API_KEY", o.OpenRouterApiKey
                "OPENAI_API_KEY", o.OpenAiApiKey
                "OPENAI_BASE_URL", o.OpenAiBaseUrl
                "PRIMARY_PROVIDER", o.PrimaryProvider
                "JUDGE_MODEL", o.JudgeModel
                "CREATIVE_MODEL", o.CreativeModel
                "IMAGE_MODEL", o.ImageModel
                "GENERATION_CONCURRENCY", (if o.Concurrency > 0 then string o.Concurrency else null)
            ]
            |> List.filter (fun (_, v) -> not (String.IsNullOrWhiteSpace v))
            |> Map.ofList

        let fallback =
            if o.IgnoreEnvironment then
                (fun _ -> None)
            else
                Runtime.environment ()

        fun name ->
            match given.TryFind name with
            | Some v -> Some v
            | None -> fallback name

    /// Opens the database (applying migrations) and builds the engine from the options and the environment.
    static member CreateAsync
        (options: TimepointEngineOptions, [<Optional>] cancellationToken: CancellationToken)
        : Task<TimepointEngine> =
        task {
            let options = if isNull options then TimepointEngineOptions() else options

            match Config.read (lookupFrom options) with
            | Error e -> return raise (TimepointConfigurationException(ConfigError.describe e))
            | Ok config ->
                let llm = options.ChatClient |> Option.ofObj |> Option.map ChatClientLlm.create
                cancellationToken.ThrowIfCancellationRequested()

                match! Runtime.startWith config llm ignore (fun _ -> Task.CompletedTask) with
                | Error e -> return raise (TimepointConfigurationException(Runtime.describe e))
                | Ok services -> return new TimepointEngine(services)
        }

    /// True when the built-in offline engine answers (no provider key and no chat client).
    member _.IsOffline = services.Engine.Info.IsOffline

    /// The engine's name: "offline", "custom" or the primary provider.
    member _.EngineName = services.Engine.Info.Name

    /// Generates a scene and saves it; progress is reported per step. Throws TimepointRejectedException,
    /// GenerationFailedException or ProviderException when it fails (the failed timepoint is still stored).
    member _.GenerateAsync
        (
            query: string,
            [<Optional; DefaultParameterValue(null: GenerateOptions)>] options: GenerateOptions,
            [<Optional; DefaultParameterValue(null: IProgress<StepProgress>)>] progress: IProgress<StepProgress>,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<Timepoint> =
        task {
            let image = not (isNull options) && options.GenerateImage
            let tracker = Convert.PercentTracker(if image then 10 else 9)

            let observe e =
                if not (isNull progress) then
                    progress.Report(tracker.Report e)

                Task.CompletedTask

            let! t = run query image observe cancellationToken
            return finish t
        }

    /// Generates a scene, yielding progress as it happens; the last item has State = Done and the TimepointId.
    member _.StreamAsync
        (
            query: string,
            [<Optional; DefaultParameterValue(null: GenerateOptions)>] options: GenerateOptions,
            [<Optional>] cancellationToken: CancellationToken
        ) : IAsyncEnumerable<StepProgress> =
        let image = not (isNull options) && options.GenerateImage
        let tracker = Convert.PercentTracker(if image then 10 else 9)
        let channel = Channel.CreateUnbounded<StepProgress>()

        let observe e =
            channel.Writer.TryWrite(tracker.Report e) |> ignore
            Task.CompletedTask

        let work = task {
            try
                let! t = run query image observe cancellationToken

                channel.Writer.TryWrite(
                    StepProgress(
                        "complete",
                        StepState.Done,
                        100,
                        Nullable(),
                        null,
                        null,
                        t.Error |> Option.map (fun e -> e.Message) |> Option.toObj,
                        Nullable t.Id
                    )
                )
                |> ignore

                channel.Writer.TryComplete() |> ignore
            with e ->
                channel.Writer.TryComplete(e) |> ignore
        }

        ignore work
        channel.Reader.ReadAllAsync(cancellationToken)

    /// Loads a timepoint; throws TimepointNotFoundException.
    member _.GetAsync(id: Guid, [<Optional>] cancellationToken: CancellationToken) : Task<Timepoint> = task {
        cancellationToken.ThrowIfCancellationRequested()

        match! app.Store.Get id with
        | Some t -> return Convert.timepoint t
        | None -> return raise (TimepointNotFoundException(string id))
    }

    /// Loads a timepoint by slug; throws TimepointNotFoundException.
    member _.GetBySlugAsync(slug: string, [<Optional>] cancellationToken: CancellationToken) : Task<Timepoint> = task {
        cancellationToken.ThrowIfCancellationRequested()

        match! app.Store.GetBySlug slug with
        | Some t -> return Convert.timepoint t
        | None -> return raise (TimepointNotFoundException slug)
    }

    /// Lists timepoints, newest first.
    member _.ListAsync
        (
            [<Optional; DefaultParameterValue(1)>] page: int,
            [<Optional; DefaultParameterValue(20)>] pageSize: int,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<TimepointPage> =
        task {
            if page < 1 then
                raise (ArgumentOutOfRangeException("page", "The page starts at 1."))

            if pageSize < 1 || pageSize > 100 then
                raise (ArgumentOutOfRangeException("pageSize", "The page size is 1 to 100."))

            cancellationToken.ThrowIfCancellationRequested()

            let! p =
                app.Store.List {
                    Page = page
                    PageSize = pageSize
                    Status = None
                    Search = None
                }

            return TimepointPage(ResizeArray(p.Items |> List.map Convert.timepoint), p.Total, p.Page, p.PageSize)
        }

    /// Deletes a timepoint with its logs and image; throws TimepointNotFoundException.
    member _.DeleteAsync(id: Guid, [<Optional>] cancellationToken: CancellationToken) : Task = task {
        cancellationToken.ThrowIfCancellationRequested()

        match! app.Store.Delete id with
        | true -> ()
        | false -> raise (TimepointNotFoundException(string id))
    }

    member private _.Travel
        (direction: Direction, id: Guid, units: int, unit: TravelUnit, progress: IProgress<StepProgress>, ct)
        =
        task {
            if units < 1 || units > 365 then
                raise (ArgumentOutOfRangeException("units", "Travel 1 to 365 units."))

            let tracker = Convert.PercentTracker 9

            let observe e =
                if not (isNull progress) then
                    progress.Report(tracker.Report e)

                Task.CompletedTask

            match! Navigation.run app observe id direction units (Convert.unit unit) ct with
            | Ok o -> return finish o.Target
            | Error(AppError.NotFound _) -> return raise (TimepointNotFoundException(string id))
            | Error(AppError.Temporal e) -> return raise (TimeTravelException(TemporalError.describe e))
            | Error(AppError.NotCompleted(_, s)) ->
                return
                    raise (
                        TimeTravelException
                            $"The source timepoint is {TimepointFlash.TimepointStatus.name s}, not completed."
                    )
            | Error(AppError.NoDate _) -> return raise (TimeTravelException "The source timepoint has no date.")
        }

    /// Generates the moment a number of units after a completed scene, linked to it.
    member this.NextAsync
        (
            id: Guid,
            [<Optional; DefaultParameterValue(1)>] units: int,
            [<Optional; DefaultParameterValue(TravelUnit.Day)>] unit: TravelUnit,
            [<Optional; DefaultParameterValue(null: IProgress<StepProgress>)>] progress: IProgress<StepProgress>,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<Timepoint> =
        this.Travel(Direction.Next, id, units, unit, progress, cancellationToken)

    /// Generates the moment a number of units before a completed scene, linked to it.
    member this.PriorAsync
        (
            id: Guid,
            [<Optional; DefaultParameterValue(1)>] units: int,
            [<Optional; DefaultParameterValue(TravelUnit.Day)>] unit: TravelUnit,
            [<Optional; DefaultParameterValue(null: IProgress<StepProgress>)>] progress: IProgress<StepProgress>,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<Timepoint> =
        this.Travel(Direction.Prior, id, units, unit, progress, cancellationToken)

    /// Releases the database.
    member _.Dispose() = services.Dispose()

    interface IDisposable with
        member this.Dispose() = this.Dispose()

    interface IAsyncDisposable with
        member this.DisposeAsync() =
            this.Dispose()
            ValueTask.CompletedTask
