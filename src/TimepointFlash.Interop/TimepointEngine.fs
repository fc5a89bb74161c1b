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
    let interact = InteractionServices.create services.Interact
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
    let observer (causes: RunCauses) (tracker: Convert.PercentTracker) (report: Report) (ct: CancellationToken) =
        fun (e: StepRecord) ->
            match e.Status with
            | TimepointFlash.StepStatus.Started -> ct.ThrowIfCancellationRequested()
            | TimepointFlash.StepStatus.Failed -> causes.Failed e
            | TimepointFlash.StepStatus.Waiting
            | TimepointFlash.StepStatus.Completed -> ()

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
                // The run's causes follow its asynchronous flow into the caller's chat client.
                let causes = RunCauses()
                Causes.current.Value <- causes
                let! stored = app.Store.Insert pending
                let steps = Steps.expected (Pipeline.plan app.Pipeline pending.GenerateImage)
                let observe = observer causes (Convert.PercentTracker steps) report ct

                let failure (e: exn) =
                    match e with
                    | :? OperationCanceledException -> GenerationFailure.Cancelled
                    | StoreFailure error -> GenerationFailure.Storage error
                    | e -> GenerationFailure.Interrupted e.Message

                let! finished = Generation.runGuarded failure app observe stored continuity ct
                // The caller gets the row as stored (the store stamps updated_at), so it equals a later read.
                let! saved = app.Store.Get finished.Id
                return Option.defaultValue finished saved, causes
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

    let finish (t: TimepointFlash.Timepoint, causes: RunCauses) =
        match Convert.failure causes t with
        | None -> Convert.timepoint t
        | Some e -> raise e

    /// The engine's available text models, as comparison targets.
    let textModels (ct: CancellationToken) = task {
        let! models, _ = services.Engine.Info.ListModels false ct
        return Eval.textTargets models
    }

    /// Checks a comparison request as the API does, then runs every target under one deadline.
    let compare
        (query: string | null)
        (presets: IEnumerable<string> | null)
        (models: IEnumerable<EvalModel> | null)
        (modelSet: string | null)
        (timeoutSeconds: int)
        (promptType: string | null)
        (ct: CancellationToken)
        =
        task {
            let query =
                match query with
                | null -> ""
                | q -> q.Trim()

            if query.Length < 3 || query.Length > 500 then
                raise (ArgumentException("The query must be 3 to 500 characters long.", "query"))

            let lo, hi = Eval.timeoutBounds

            if timeoutSeconds < lo || timeoutSeconds > hi then
                raise (ArgumentOutOfRangeException("timeoutSeconds", $"The timeout is {lo} to {hi} seconds."))

            ct.ThrowIfCancellationRequested()
            let! all = textModels ct
            let targets = Evaluate.targets app.Presets all models presets modelSet

            let request = {
                Query = query
                Targets = targets
                Timeout = TimeSpan.FromSeconds(float timeoutSeconds)
                PromptType =
                    match promptType with
                    | null -> "text"
                    | p when String.IsNullOrWhiteSpace p -> "text"
                    | p -> String.truncate 40 p
            }

            let! comparison = Eval.compare app request ct
            // A run the caller cancelled is reported as timed out inside; the caller gets the cancellation.
            ct.ThrowIfCancellationRequested()
            return comparison
        }

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

    /// <summary>Opens the database (applying migrations, failing rows a dead process left processing) and builds
    /// the engine from the options and, unless IgnoreEnvironment is set, the environment. With no options,
    /// everything comes from the environment.</summary>
    /// <param name="options">The settings, or null to read everything from the environment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The engine; dispose it when done.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointConfigurationException">The settings are invalid or the database cannot be opened.</exception>
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

    /// <summary>Generates a scene and saves it; progress is reported per step (Percent 0–100, never
    /// decreasing).</summary>
    /// <param name="query">The moment, 3 to 500 characters.</param>
    /// <param name="options">Generation options, or null.</param>
    /// <param name="progress">Receives a report as each step starts and ends, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The completed timepoint, as stored.</returns>
    /// <exception cref="T:System.ArgumentException">The query is under 3 or over 500 characters.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointRejectedException">The query names no moment in time (the failed timepoint is stored).</exception>
    /// <exception cref="T:TimepointFlash.Interop.ProviderException">The provider or your chat client failed after retries and fallback.</exception>
    /// <exception cref="T:TimepointFlash.Interop.GenerationFailedException">A step failed (the failed timepoint is stored).</exception>
    /// <exception cref="T:System.OperationCanceledException">The token was cancelled (the timepoint is stored as failed).</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointStorageException">The database failed.</exception>
    member this.GenerateAsync
        (
            query: string,
            [<Optional>] options: GenerateOptions | null,
            [<Optional>] progress: IProgress<StepProgress> | null,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<Timepoint> =
        alive this

        task {
            let! run = generate query options (reportTo progress) cancellationToken
            return finish run
        }

    /// <summary>Generates a scene, yielding progress as it happens. The last item is step "complete" with
    /// State = Done, Percent 100 and the TimepointId; when the generation failed (for example the query was
    /// rejected) that item's Error says why and the failed timepoint can be read with GetAsync. Nothing runs
    /// until the stream is enumerated; leaving the loop early cancels the generation.</summary>
    /// <param name="query">The moment, 3 to 500 characters.</param>
    /// <param name="options">Generation options, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The progress reports, ending with the "complete" item.</returns>
    /// <exception cref="T:System.OperationCanceledException">Either token was cancelled.</exception>
    member this.StreamAsync
        (query: string, [<Optional>] options: GenerateOptions | null, [<Optional>] cancellationToken: CancellationToken)
        : IAsyncEnumerable<StepProgress> =
        alive this

        ProgressStream(
            (fun report ct -> task {
                let! t, _ = generate query options report ct
                return ValueSome(Convert.finished t)
            }),
            cancellationToken
        )

    /// <summary>Loads a timepoint.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The timepoint.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    member this.GetAsync(id: Guid, [<Optional>] cancellationToken: CancellationToken) : Task<Timepoint> =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! app.Store.Get id with
            | Some t -> return Convert.timepoint t
            | None -> return raise (TimepointNotFoundException(string id))
        }

    /// <summary>Loads a timepoint by slug.</summary>
    /// <param name="slug">Its slug, e.g. "rome-50-bce".</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The timepoint.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this slug.</exception>
    member this.GetBySlugAsync(slug: string, [<Optional>] cancellationToken: CancellationToken) : Task<Timepoint> =
        alive this
        ArgumentNullException.ThrowIfNull(slug, "slug")

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! app.Store.GetBySlug slug with
            | Some t -> return Convert.timepoint t
            | None -> return raise (TimepointNotFoundException slug)
        }

    /// <summary>Loads the image of a timepoint.</summary>
    /// <param name="id">The timepoint's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The image, or null when the timepoint has none (no image was asked for, or it failed).</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
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
                | Some image -> return withNull (TimepointImage(Bytes = image.Bytes, MimeType = image.MimeType))
                | None -> return null
        }

    /// <summary>Lists timepoints, newest first, optionally only those of a status or matching a search.</summary>
    /// <param name="status">Only timepoints with this status, or null for all.</param>
    /// <param name="search">Only timepoints whose query, location or slug contains this text (case-insensitive),
    /// or null for all.</param>
    /// <param name="page">The page, from 1.</param>
    /// <param name="pageSize">Items per page, 1 to 100.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page and the total count of matching timepoints.</returns>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The page is below 1 or the page size outside 1–100.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointStorageException">The database failed.</exception>
    member this.ListAsync
        (
            [<Optional>] status: Nullable<TimepointStatus>,
            [<Optional>] search: string | null,
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
                    Status =
                        (if status.HasValue then
                             Some(Convert.statusOf status.Value)
                         else
                             None)
                    Search =
                        match search with
                        | null -> None
                        | s -> TimepointFlash.String.nonBlank s
                    After = None
                }

            return
                TimepointPage(
                    Items = ValueList(p.Items |> List.map Convert.timepoint),
                    Total = p.Total,
                    Page = p.Page,
                    PageSize = p.PageSize
                )
        }

    /// <summary>A scene and the scenes linked to it by time travel (parents and children, transitively), in
    /// historical order.</summary>
    /// <param name="id">The centre scene.</param>
    /// <param name="direction">Which side to take: both (default), prior or next.</param>
    /// <param name="limit">At most this many scenes per side, 1 to 50.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The centre and its linked scenes before and after it.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The limit is outside 1–50.</exception>
    member this.SequenceAsync
        (
            id: Guid,
            [<Optional; DefaultParameterValue(SequenceDirection.Both)>] direction: SequenceDirection,
            [<Optional; DefaultParameterValue(10)>] limit: int,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<TimepointSequence> =
        alive this

        if limit < 1 || limit > 50 then
            raise (ArgumentOutOfRangeException("limit", "The limit is 1 to 50."))

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! app.Store.Get id with
            | None -> return raise (TimepointNotFoundException(string id))
            | Some center ->
                let side =
                    match direction with
                    | SequenceDirection.Prior -> Sequence.Side.Prior
                    | SequenceDirection.Next -> Sequence.Side.Next
                    | _ -> Sequence.Side.Both

                let! view = Sequence.load app.Store side limit center

                return
                    TimepointSequence(
                        Center = Convert.timepoint view.Center,
                        Prior = ValueList(view.Prior |> List.map Convert.timepoint),
                        Next = ValueList(view.Next |> List.map Convert.timepoint)
                    )
        }

    /// <summary>Exports a timepoint as text: the API's JSON (indented) or a Markdown document.</summary>
    /// <param name="id">The timepoint.</param>
    /// <param name="format">Json (default) or Markdown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The text.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    member this.ExportAsync
        (
            id: Guid,
            [<Optional; DefaultParameterValue(ExportFormat.Json)>] format: ExportFormat,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<string> =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! app.Store.Get id with
            | None -> return raise (TimepointNotFoundException(string id))
            | Some t ->
                let json = TimepointWire.encode true t

                return
                    match format with
                    | ExportFormat.Markdown -> Render.markdown json
                    | _ -> Encode.toIndentedString json
        }

    /// <summary>The models the engine knows (the configured providers' defaults, the provider's catalogue when
    /// it serves one, or the offline engine).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The models.</returns>
    member this.ModelsAsync([<Optional>] cancellationToken: CancellationToken) : Task<IReadOnlyList<ModelInfo>> =
        alive this

        task {
            let! models, _ = services.Engine.Info.ListModels false cancellationToken
            return ValueList(models |> List.map Convert.model) :> IReadOnlyList<ModelInfo>
        }

    /// <summary>What a model comparison can run (the API's <c>GET /api/v1/eval/models</c>): the model sets with
    /// their sizes, the engine's available text models and its generation presets.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sets, models and presets.</returns>
    member this.EvalModelsAsync([<Optional>] cancellationToken: CancellationToken) : Task<EvalModels> =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()
            let! all = textModels cancellationToken
            return Evaluate.models app.Presets all
        }

    /// <summary>Compares models or presets on one query (the API's <c>POST /api/v1/eval/compare</c>): every target
    /// generates the query as a stored scene (at most four at once, apart from Concurrency), and the runs are
    /// ranked by latency. Named models win over presets, which win over a model set (default "verified"). A run
    /// that fails or outlasts the timeout is a result with Status Failed or Timeout, not an exception.</summary>
    /// <param name="query">The moment every target generates, 3 to 500 characters.</param>
    /// <param name="presets">Generation presets to compare (see EvalModelsAsync), or null.</param>
    /// <param name="models">Models to compare, or null.</param>
    /// <param name="modelSet">"verified", "google_native", "openrouter" or "all", used when neither models nor
    /// presets are given; null for "verified".</param>
    /// <param name="timeoutSeconds">The whole comparison ends within this many seconds, 10 to 600 (default 120).</param>
    /// <param name="promptType">A label echoed in the answer (default "text").</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The comparison: every run in the order asked for, the ranking and the latency statistics.</returns>
    /// <exception cref="T:System.ArgumentException">The query is under 3 or over 500 characters; a list is empty or
    /// longer than 20; a preset or model set is unknown; or the model set is empty on this engine.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The timeout is outside 10–600 seconds.</exception>
    /// <exception cref="T:System.OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointStorageException">The database failed.</exception>
    member this.CompareAsync
        (
            query: string,
            [<Optional>] presets: IEnumerable<string> | null,
            [<Optional>] models: IEnumerable<EvalModel> | null,
            [<Optional>] modelSet: string | null,
            [<Optional; DefaultParameterValue(120)>] timeoutSeconds: int,
            [<Optional>] promptType: string | null,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<EvalComparison> =
        alive this

        task {
            let! c = compare query presets models modelSet timeoutSeconds promptType cancellationToken
            return Evaluate.comparison c
        }

    /// <summary>Compares models or presets as CompareAsync does and adds the plain-text report (the API's
    /// <c>POST /api/v1/eval/compare/report</c>): 70-column lines, results by speed, failures, statistics.</summary>
    /// <param name="query">The moment every target generates, 3 to 500 characters.</param>
    /// <param name="presets">Generation presets to compare (see EvalModelsAsync), or null.</param>
    /// <param name="models">Models to compare, or null.</param>
    /// <param name="modelSet">"verified", "google_native", "openrouter" or "all", used when neither models nor
    /// presets are given; null for "verified".</param>
    /// <param name="timeoutSeconds">The whole comparison ends within this many seconds, 10 to 600 (default 120).</param>
    /// <param name="promptType">A label echoed in the answer (default "text").</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The comparison and its report.</returns>
    /// <exception cref="T:System.ArgumentException">The query is under 3 or over 500 characters; a list is empty or
    /// longer than 20; a preset or model set is unknown; or the model set is empty on this engine.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The timeout is outside 10–600 seconds.</exception>
    /// <exception cref="T:System.OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointStorageException">The database failed.</exception>
    member this.CompareReportAsync
        (
            query: string,
            [<Optional>] presets: IEnumerable<string> | null,
            [<Optional>] models: IEnumerable<EvalModel> | null,
            [<Optional>] modelSet: string | null,
            [<Optional; DefaultParameterValue(120)>] timeoutSeconds: int,
            [<Optional>] promptType: string | null,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<EvalReport> =
        alive this

        task {
            let! c = compare query presets models modelSet timeoutSeconds promptType cancellationToken
            return Evaluate.report c
        }

    /// <summary>Deletes a timepoint: by default a soft delete (it disappears from every read, listing and
    /// sequence at once, and a server's purge removes it later); with <c>permanent</c>, now and for good, with its
    /// logs and image. Deleting a soft-deleted timepoint again succeeds.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="permanent">Delete now, for good (default false).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that ends when it is deleted.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    member this.DeleteAsync
        (
            id: Guid,
            [<Optional; DefaultParameterValue(false)>] permanent: bool,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            let removal = if permanent then Removal.Permanent else Removal.Soft

            match! app.Store.Delete removal id with
            | true -> ()
            | false -> raise (TimepointNotFoundException(string id))
        }

    /// <summary>Generates the moment a number of units (1 to 365) after a completed scene, with the source's
    /// place and people, linked to it by ParentId.</summary>
    /// <param name="id">The source scene.</param>
    /// <param name="units">How many units, 1 to 365.</param>
    /// <param name="unit">The unit (day by default).</param>
    /// <param name="progress">Receives a report as each step starts and ends, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new, linked timepoint.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimeTravelException">The target cannot be reached, or the source is not completed.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointRejectedException">The query names no moment in time (the failed timepoint is stored).</exception>
    /// <exception cref="T:TimepointFlash.Interop.ProviderException">The provider or your chat client failed after retries and fallback.</exception>
    /// <exception cref="T:TimepointFlash.Interop.GenerationFailedException">A step failed (the failed timepoint is stored).</exception>
    /// <exception cref="T:System.OperationCanceledException">The token was cancelled (the timepoint is stored as failed).</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointStorageException">The database failed.</exception>
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
            let! run = travel Direction.Next id units unit (reportTo progress) cancellationToken
            return finish run
        }

    /// <summary>Generates the moment a number of units (1 to 365) before a completed scene, with the source's
    /// place and people, linked to it by ParentId.</summary>
    /// <param name="id">The source scene.</param>
    /// <param name="units">How many units, 1 to 365.</param>
    /// <param name="unit">The unit (day by default).</param>
    /// <param name="progress">Receives a report as each step starts and ends, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new, linked timepoint.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimeTravelException">The target cannot be reached, or the source is not completed.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointRejectedException">The query names no moment in time (the failed timepoint is stored).</exception>
    /// <exception cref="T:TimepointFlash.Interop.ProviderException">The provider or your chat client failed after retries and fallback.</exception>
    /// <exception cref="T:TimepointFlash.Interop.GenerationFailedException">A step failed (the failed timepoint is stored).</exception>
    /// <exception cref="T:System.OperationCanceledException">The token was cancelled (the timepoint is stored as failed).</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointStorageException">The database failed.</exception>
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
            let! run = travel Direction.Prior id units unit (reportTo progress) cancellationToken
            return finish run
        }

    /// <summary>The cast of a completed scene, each with their voice and a role-play system prompt built from the
    /// scene.</summary>
    /// <param name="id">The timepoint.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The characters, in the scene's order.</returns>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotCompletedException">The timepoint is not completed.</exception>
    member this.GetCharactersAsync
        (id: Guid, [<Optional>] cancellationToken: CancellationToken)
        : Task<IReadOnlyList<CastMember>> =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! interact.Cast id with
            | Ok cast -> return ValueList(cast |> List.map Interact.castMember) :> IReadOnlyList<CastMember>
            | Error e -> return raise (Interact.error id None "characters" e)
        }

    member private this.PrepareChat
        (
            timepointId: Guid,
            character: string,
            message: string,
            sessionId: Nullable<Guid>,
            saveSession: bool,
            format: ChatFormat,
            ct: CancellationToken
        ) =
        alive this
        ArgumentNullException.ThrowIfNull(character, "character")
        ArgumentNullException.ThrowIfNull(message, "message")

        if
            String.IsNullOrWhiteSpace message
            || message.Length > Agents.Chat.maxMessageLength
        then
            raise (
                ArgumentException(
                    $"The message must be 1 to {Agents.Chat.maxMessageLength} characters long.",
                    "message"
                )
            )

        let session = if sessionId.HasValue then Some sessionId.Value else None

        task {
            ct.ThrowIfCancellationRequested()

            let! prepared =
                interact.Chat timepointId {
                    Character = character
                    Message = message.Trim()
                    SessionId = session
                    SaveSession = saveSession
                    Format = Interact.format format
                }

            return
                match prepared with
                | Ok p -> p, session
                | Error e -> raise (Interact.error timepointId session "chat" e)
        }

    /// <summary>Says something to one character of a completed scene and returns their answer, in character and
    /// knowing nothing after the scene's date.</summary>
    /// <param name="timepointId">The timepoint.</param>
    /// <param name="character">The character's name (case-insensitive).</param>
    /// <param name="message">What you say, 1 to 2000 characters.</param>
    /// <param name="sessionId">A session to continue (its history is sent), or null.</param>
    /// <param name="saveSession">Store the exchange in the session (a new one when sessionId is null).</param>
    /// <param name="format">Text (default), Structured (adds tone, key points and confidence) or Auto.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer, with the session it was stored in.</returns>
    /// <exception cref="T:System.ArgumentException">The message is empty or over 2000 characters.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotCompletedException">The timepoint is not completed.</exception>
    /// <exception cref="T:TimepointFlash.Interop.CharacterNotFoundException">The scene has no such character (the exception lists the cast).</exception>
    /// <exception cref="T:TimepointFlash.Interop.ChatSessionNotFoundException">No session has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.ChatSessionMismatchException">The session belongs to another timepoint or character.</exception>
    /// <exception cref="T:TimepointFlash.Interop.ProviderException">The provider failed after retries and fallback.</exception>
    member this.ChatAsync
        (
            timepointId: Guid,
            character: string,
            message: string,
            [<Optional>] sessionId: Nullable<Guid>,
            [<Optional>] saveSession: bool,
            [<Optional; DefaultParameterValue(ChatFormat.Text)>] format: ChatFormat,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<ChatReply> =
        task {
            let! prepared, session =
                this.PrepareChat(timepointId, character, message, sessionId, saveSession, format, cancellationToken)

            match! prepared.Run (fun _ -> Task.CompletedTask) cancellationToken with
            | Ok answer -> return Interact.reply answer
            | Error e -> return raise (Interact.error timepointId session "chat" e)
        }

    /// <summary>Says something to one character and yields their answer as the model produces it, chunk by chunk
    /// (the offline engine word by word). Nothing runs until the stream is enumerated; leaving the loop early or
    /// cancelling stops the call. The exchange is stored like ChatAsync's when saveSession is true.</summary>
    /// <param name="timepointId">The timepoint.</param>
    /// <param name="character">The character's name (case-insensitive).</param>
    /// <param name="message">What you say, 1 to 2000 characters.</param>
    /// <param name="sessionId">A session to continue, or null.</param>
    /// <param name="saveSession">Store the exchange in the session (a new one when sessionId is null).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer's text chunks; joined they are the whole answer.</returns>
    /// <exception cref="T:System.ArgumentException">The message is empty or over 2000 characters (thrown on enumeration).</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotCompletedException">The timepoint is not completed.</exception>
    /// <exception cref="T:TimepointFlash.Interop.CharacterNotFoundException">The scene has no such character.</exception>
    /// <exception cref="T:TimepointFlash.Interop.ChatSessionNotFoundException">No session has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.ChatSessionMismatchException">The session belongs to another timepoint or character.</exception>
    /// <exception cref="T:TimepointFlash.Interop.ProviderException">The provider failed.</exception>
    /// <exception cref="T:System.OperationCanceledException">The token was cancelled.</exception>
    member this.StreamChatAsync
        (
            timepointId: Guid,
            character: string,
            message: string,
            [<Optional>] sessionId: Nullable<Guid>,
            [<Optional>] saveSession: bool,
            [<Optional>] cancellationToken: CancellationToken
        ) : IAsyncEnumerable<string> =
        alive this

        ProgressStream<string>(
            (fun emit ct -> task {
                let! prepared, session =
                    this.PrepareChat(timepointId, character, message, sessionId, saveSession, ChatFormat.Text, ct)

                let send (chunk: string) =
                    ct.ThrowIfCancellationRequested()
                    emit chunk
                    Task.CompletedTask

                match! prepared.Run send ct with
                | Ok _ ->
                    ct.ThrowIfCancellationRequested()
                    return ValueNone
                | Error e -> return raise (Interact.error timepointId session "chat" e)
            }),
            cancellationToken
        )

    /// <summary>Adds lines to a completed scene's dialog, continuing it among the chosen characters.</summary>
    /// <param name="id">The timepoint.</param>
    /// <param name="numLines">How many lines, 1 to 10.</param>
    /// <param name="characters">Who speaks, or null for the scene's speakers.</param>
    /// <param name="prompt">Where to steer the conversation, or null.</param>
    /// <param name="save">Append the lines to the stored dialog.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new lines.</returns>
    /// <exception cref="T:System.ArgumentOutOfRangeException">numLines is outside 1–10.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotCompletedException">The timepoint is not completed.</exception>
    /// <exception cref="T:TimepointFlash.Interop.CharacterNotFoundException">A named character is not in the scene.</exception>
    /// <exception cref="T:TimepointFlash.Interop.ProviderException">The provider failed after retries and fallback.</exception>
    member this.ExtendDialogAsync
        (
            id: Guid,
            [<Optional; DefaultParameterValue(3)>] numLines: int,
            [<Optional>] characters: IEnumerable<string> | null,
            [<Optional>] prompt: string | null,
            [<Optional>] save: bool,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<DialogExtension> =
        alive this

        if numLines < 1 || numLines > Agents.Extend.maxLines then
            raise (ArgumentOutOfRangeException("numLines", $"Ask for 1 to {Agents.Extend.maxLines} lines."))

        task {
            cancellationToken.ThrowIfCancellationRequested()

            let ask = {
                Characters =
                    match characters with
                    | null -> None
                    | cs -> Some(List.ofSeq cs)
                Lines = numLines
                Prompt =
                    match prompt with
                    | null -> None
                    | p -> TimepointFlash.String.nonBlank p
                Save = save
            }

            match! interact.Dialog id ask with
            | Error e -> return raise (Interact.error id None "dialog" e)
            | Ok prepared ->
                match! prepared.Run (fun _ -> Task.CompletedTask) cancellationToken with
                | Ok answer -> return Interact.dialog answer
                | Error e -> return raise (Interact.error id None "dialog" e)
        }

    /// <summary>Puts the same questions to several characters of a completed scene, with per-answer sentiment and
    /// key points and a summary across them.</summary>
    /// <param name="id">The timepoint.</param>
    /// <param name="questions">1 to 10 questions.</param>
    /// <param name="characters">Who is asked, or null for the whole cast.</param>
    /// <param name="chain">Ask one character after another, each seeing the earlier answers (otherwise all at once).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answers and the summary.</returns>
    /// <exception cref="T:System.ArgumentException">There are no questions, more than 10, or a blank one.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotFoundException">No timepoint has this id.</exception>
    /// <exception cref="T:TimepointFlash.Interop.TimepointNotCompletedException">The timepoint is not completed.</exception>
    /// <exception cref="T:TimepointFlash.Interop.CharacterNotFoundException">A named character is not in the scene.</exception>
    /// <exception cref="T:TimepointFlash.Interop.ProviderException">The provider failed after retries and fallback.</exception>
    member this.SurveyAsync
        (
            id: Guid,
            questions: IEnumerable<string>,
            [<Optional>] characters: IEnumerable<string> | null,
            [<Optional>] chain: bool,
            [<Optional>] cancellationToken: CancellationToken
        ) : Task<SurveyResult> =
        alive this
        ArgumentNullException.ThrowIfNull(questions, "questions")
        let questions = List.ofSeq questions

        if
            questions.IsEmpty
            || questions.Length > Agents.Survey.maxQuestions
            || questions
               |> List.exists (fun q -> String.IsNullOrWhiteSpace q || q.Length > Agents.Survey.maxQuestionLength)
        then
            raise (
                ArgumentException(
                    $"Ask 1 to {Agents.Survey.maxQuestions} questions of 1 to {Agents.Survey.maxQuestionLength} characters.",
                    "questions"
                )
            )

        task {
            cancellationToken.ThrowIfCancellationRequested()

            let ask = {
                Characters =
                    match characters with
                    | null -> None
                    | cs -> Some(List.ofSeq cs)
                Questions = questions |> List.map _.Trim()
                Mode = (if chain then SurveyMode.Sequential else SurveyMode.Parallel)
                ChainPrompts = chain
                IncludeSummary = true
                Format = ResponseFormat.Auto
            }

            match! interact.Survey id ask with
            | Error e -> return raise (Interact.error id None "survey" e)
            | Ok prepared ->
                match! prepared.Run (fun _ -> Task.CompletedTask) cancellationToken with
                | Ok result -> return Interact.survey chain result
                | Error e -> return raise (Interact.error id None "survey" e)
        }

    /// <summary>The chat sessions of a timepoint, most recently updated first.</summary>
    /// <param name="timepointId">The timepoint.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sessions (empty when there are none).</returns>
    member this.ListSessionsAsync
        (timepointId: Guid, [<Optional>] cancellationToken: CancellationToken)
        : Task<IReadOnlyList<ChatSessionSummary>> =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()
            let! sessions = interact.Sessions timepointId
            return ValueList(sessions |> List.map Interact.summary) :> IReadOnlyList<ChatSessionSummary>
        }

    /// <summary>Loads a chat session with its messages in order.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session.</returns>
    /// <exception cref="T:TimepointFlash.Interop.ChatSessionNotFoundException">No session has this id.</exception>
    member this.GetSessionAsync
        (sessionId: Guid, [<Optional>] cancellationToken: CancellationToken)
        : Task<ChatSession> =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! interact.Session sessionId with
            | Some s -> return Interact.session s
            | None -> return raise (ChatSessionNotFoundException sessionId)
        }

    /// <summary>Deletes a chat session.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that ends when it is deleted.</returns>
    /// <exception cref="T:TimepointFlash.Interop.ChatSessionNotFoundException">No session has this id.</exception>
    member this.DeleteSessionAsync(sessionId: Guid, [<Optional>] cancellationToken: CancellationToken) : Task =
        alive this

        task {
            cancellationToken.ThrowIfCancellationRequested()

            match! interact.DeleteSession sessionId with
            | true -> ()
            | false -> raise (ChatSessionNotFoundException sessionId)
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
