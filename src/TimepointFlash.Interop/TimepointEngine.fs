namespace TimepointFlash.Interop

open System
open System.Collections.Generic
open System.Runtime.ExceptionServices
open System.Runtime.InteropServices
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Interop
open TimepointFlash.Runtime

/// The TimepointFlash engine for C# callers: generate scenes, travel in time, list, read and delete them.
/// Create it with CreateAsync and dispose it when done. Safe to use from several threads; at most
/// Concurrency generations run at once.
[<Sealed>]
type TimepointEngine private (services: Services) =
    let app = {
        services.App with
            Store = Storage.guard services.App.Store
    }

    let gate = new SemaphoreSlim(max 1 services.Config.Concurrency)
    let mutable disposed = false

    let alive (self: obj) =
        ObjectDisposedException.ThrowIf(disposed, self)

    let travelError (id: Guid) (e: AppError) : exn =
        match e with
        | AppError.Temporal e -> TimeTravelException(TemporalError.describe e)
        | AppError.NotCompleted(_, s) ->
            TimeTravelException $"The source timepoint is {TimepointFlash.TimepointStatus.name s}, not completed."
        | AppError.NoDate _ -> TimeTravelException "The source timepoint has no date."
        | _ -> TimepointNotFoundException(string id)

    /// Passes each pipeline event to the caller as progress, and stops at the next step once cancelled.
    let observer (tracker: Convert.PercentTracker) (report: Report) (ct: CancellationToken) =
        fun (e: StepRecord) ->
            if e.Status = TimepointFlash.StepStatus.Started then
                ct.ThrowIfCancellationRequested()

            report (tracker.Report e)
            Task.CompletedTask

    /// Stores the new timepoint and runs its generation, one of at most Concurrency at a time. When the
    /// run throws (cancellation, or a caller's chat client failing unexpectedly) the stored timepoint is
    /// marked failed before the exception is rethrown.
    let runStored
        (pending: TimepointFlash.Timepoint)
        (continuity: Continuity option)
        (report: Report)
        (ct: CancellationToken)
        =
        task {
            do! gate.WaitAsync ct

            try
                let! stored = app.Store.Insert pending
                let steps = Steps.expected (Pipeline.plan app.Pipeline pending.GenerateImage)
                let observe = observer (Convert.PercentTracker steps) report ct

                try
                    return! Generation.runFor app observe stored continuity ct
                with e ->
                    let failure =
                        match e with
                        | :? OperationCanceledException -> GenerationFailure.Cancelled
                        | StoreFailure error -> GenerationFailure.Storage error
                        | e -> GenerationFailure.Interrupted e.Message

                    do! app.Store.Update(Convert.stopped (app.Now()) failure stored)
                    ExceptionDispatchInfo.Throw e
                    return Unchecked.defaultof<_>
            finally
                gate.Release() |> ignore
        }

    let generate (query: string | null) (options: GenerateOptions | null) (report: Report) (ct: CancellationToken) = task {
        let query =
            match query with
            | null -> ""
            | q -> q.Trim()

        if query.Length < 3 || query.Length > 500 then
            raise (ArgumentException("The query must be 3 to 500 characters long.", "query"))

        ct.ThrowIfCancellationRequested()

        let image, control =
            match options with
            | null -> false, GenerationControl.none
            | o -> o.GenerateImage, Convert.control app.Presets.Names o

        return! runStored (Generation.createWith app control query image None) None report ct
    }

    let travel direction (id: Guid) (units: int) (unit: TravelUnit) (report: Report) (ct: CancellationToken) = task {
        if units < 1 || units > 365 then
            raise (ArgumentOutOfRangeException("units", "Travel 1 to 365 units."))

        ct.ThrowIfCancellationRequested()

        match! Navigation.prepare app id direction units (Convert.unit unit) with
        | Error e -> return raise (travelError id e)
        | Ok(source, c) ->
            // The new scene runs with the source's preset, models and parameters.
            let pending =
                Generation.createWith app source.Control (Navigation.query source c) false (Some source.Id)

            return! runStored pending (Some c) report ct
    }

    let reportTo (progress: IProgress<StepProgress> | null) : Report =
        match progress with
        | null -> ignore
        | p -> p.Report

    let finish (t: TimepointFlash.Timepoint) =
        match Convert.failure t with
        | None -> Convert.timepoint t
        | Some e -> raise e

    static let lookupFrom (o: TimepointEngineOptions) =
        let given =
            [
                "DATABASE_URL", o.DatabaseUrl
                "GOOGLE_API_KEY", o.GoogleApiKey
                "OPENROUTER_API_KEY", o.OpenRouterApiKey
                "OPENAI_API_KEY", o.OpenAiApiKey
                "OPENAI_BASE_URL", o.OpenAiBaseUrl
                "PRIMARY_PROVIDER", o.PrimaryProvider
                "FALLBACK_PROVIDER", o.FallbackProvider
                "JUDGE_MODEL", o.JudgeModel
                "CREATIVE_MODEL", o.CreativeModel
                "IMAGE_MODEL", o.ImageModel
                "GENERATION_CONCURRENCY", (if o.Concurrency > 0 then string o.Concurrency else null)
            ]
            |> List.choose (fun (k, v) ->
                match v with
                | null -> None
                | v when String.IsNullOrWhiteSpace v -> None
                | v -> Some(k, v))
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

    /// Opens the database (applying migrations) and builds the engine from the options and, unless
    /// IgnoreEnvironment is set, the environment. Throws TimepointConfigurationException when the settings are
    /// invalid or the database cannot be opened. With no options, everything comes from the environment.
    static member CreateAsync
        ([<Optional>] options: TimepointEngineOptions | null, [<Optional>] cancellationToken: CancellationToken)
        : Task<TimepointEngine> =
        task {
            let options =
                match options with
                | null -> TimepointEngineOptions()
                | o -> o

            cancellationToken.ThrowIfCancellationRequested()

            match Config.read (lookupFrom options) with
            | Error e -> return raise (TimepointConfigurationException(ConfigError.describe e))
            | Ok config ->
                let llm =
                    match options.ChatClient with
                    | null -> None
                    | client -> Some(ChatClientLlm.create client)

                match! Runtime.startWith config llm ignore (fun _ -> Task.CompletedTask) with
                | Error e -> return raise (Storage.startError e)
                | Ok services -> return new TimepointEngine(services)
        }

    /// True when the built-in offline engine answers (no provider key and no chat client).
    member _.IsOffline = services.Engine.Info.IsOffline

    /// The engine's name: "offline", "custom" (a chat client of yours) or the primary provider.
    member _.EngineName = services.Engine.Info.Name

    /// How many generations run at once; further calls wait their turn.
    member _.Concurrency = services.Config.Concurrency

    /// Generates a scene and saves it; progress is reported per step. Throws TimepointRejectedException,
    /// GenerationFailedException or ProviderException when it fails (the failed timepoint is still stored),
    /// and OperationCanceledException when the token is cancelled (the timepoint is stored as failed).
    member this.GenerateAsync
        (
            query: string,
            [<Optional>] options: GenerateOptions | null,
            [<Optional>] progress: IProgress<StepProgress> | null,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<Timepoint> =
        alive this

        task {
            let! t = generate query options (reportTo progress) cancellationToken
            return finish t
        }

    /// Generates a scene, yielding progress as it happens. The last item has State = Done and the TimepointId;
    /// when the generation failed (for example the query was rejected) that item's Error says why and the
    /// failed timepoint can be read with GetAsync. Nothing runs until the stream is enumerated; leaving the
    /// loop early cancels the generation. Cancellation (either token) throws OperationCanceledException.
    member this.StreamAsync
        (query: string, [<Optional>] options: GenerateOptions | null, [<Optional>] cancellationToken: CancellationToken)
        : IAsyncEnumerable<StepProgress> =
        alive this

        ProgressStream(
            (fun report ct -> task {
                let! t = generate query options report ct
                return Convert.finished t
            }),
            cancellationToken
        )

    /// Loads a timepoint; throws TimepointNotFoundException.
    member this.GetAsync(id: Guid, [<Optional>] cancellationToken: CancellationToken) : Task<Timepoint> =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! app.Store.Get id with
            | Some t -> return Convert.timepoint t
            | None -> return raise (TimepointNotFoundException(string id))
        }

    /// Loads a timepoint by slug; throws TimepointNotFoundException.
    member this.GetBySlugAsync(slug: string, [<Optional>] cancellationToken: CancellationToken) : Task<Timepoint> =
        alive this
        ArgumentNullException.ThrowIfNull(slug, "slug")

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! app.Store.GetBySlug slug with
            | Some t -> return Convert.timepoint t
            | None -> return raise (TimepointNotFoundException slug)
        }

    /// Loads the image of a timepoint, or null when it has none; throws TimepointNotFoundException.
    member this.GetImageAsync
        (id: Guid, [<Optional>] cancellationToken: CancellationToken)
        : Task<TimepointImage | null> =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! app.Store.Get id with
            | None -> return raise (TimepointNotFoundException(string id))
            | Some _ ->
                match! app.Store.GetImage id with
                | Some image -> return withNull (TimepointImage(image.Bytes, image.MimeType))
                | None -> return null
        }

    /// Lists timepoints, newest first. The page starts at 1; the page size is 1 to 100.
    member this.ListAsync
        (
            [<Optional; DefaultParameterValue(1)>] page: int,
            [<Optional; DefaultParameterValue(20)>] pageSize: int,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<TimepointPage> =
        alive this

        if page < 1 then
            raise (ArgumentOutOfRangeException("page", "The page starts at 1."))

        if pageSize < 1 || pageSize > 100 then
            raise (ArgumentOutOfRangeException("pageSize", "The page size is 1 to 100."))

        task {
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
    member this.DeleteAsync(id: Guid, [<Optional>] cancellationToken: CancellationToken) : Task =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! app.Store.Delete id with
            | true -> ()
            | false -> raise (TimepointNotFoundException(string id))
        }

    /// Generates the moment a number of units (1 to 365) after a completed scene, with the source's place and
    /// people, linked to it by ParentId. Throws TimepointNotFoundException, TimeTravelException, or the
    /// exceptions of GenerateAsync.
    member this.NextAsync
        (
            id: Guid,
            [<Optional; DefaultParameterValue(1)>] units: int,
            [<Optional; DefaultParameterValue(TravelUnit.Day)>] unit: TravelUnit,
            [<Optional>] progress: IProgress<StepProgress> | null,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<Timepoint> =
        alive this

        task {
            let! t = travel Direction.Next id units unit (reportTo progress) cancellationToken
            return finish t
        }

    /// Generates the moment a number of units (1 to 365) before a completed scene, with the source's place and
    /// people, linked to it by ParentId. Throws TimepointNotFoundException, TimeTravelException, or the
    /// exceptions of GenerateAsync.
    member this.PriorAsync
        (
            id: Guid,
            [<Optional; DefaultParameterValue(1)>] units: int,
            [<Optional; DefaultParameterValue(TravelUnit.Day)>] unit: TravelUnit,
            [<Optional>] progress: IProgress<StepProgress> | null,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<Timepoint> =
        alive this

        task {
            let! t = travel Direction.Prior id units unit (reportTo progress) cancellationToken
            return finish t
        }

    /// Releases the database. Calling it again does nothing.
    member _.Dispose() =
        if not disposed then
            disposed <- true
            services.Dispose()

    /// Releases the database (what `await using` calls). Calling it again does nothing.
    member this.DisposeAsync() : ValueTask =
        this.Dispose()
        ValueTask.CompletedTask

    interface IDisposable with
        member this.Dispose() = this.Dispose()

    interface IAsyncDisposable with
        member this.DisposeAsync() = this.DisposeAsync()
