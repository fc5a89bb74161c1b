namespace TimepointFlash

open System
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks

/// A position in the newest-first listing: the last row of a page (keyset pagination).
type PageCursor = { CreatedAt: DateTimeOffset; Id: Guid }

/// The opaque text form of a cursor.
[<RequireQualifiedAccess>]
module PageCursor =
    /// Base64url of "<UTC ticks>.<id without hyphens>".
    let encode (c: PageCursor) =
        let text = $"{c.CreatedAt.UtcTicks}.{c.Id:N}"

        Convert.ToBase64String(Text.Encoding.ASCII.GetBytes text).TrimEnd('=').Replace('+', '-').Replace('/', '_')

    /// Reads a cursor made by `encode`; None for anything else.
    let tryParse (text: string) : PageCursor option =
        try
            if text.Length = 0 || text.Length > 100 then
                None
            else
                let b64 = text.Replace('-', '+').Replace('_', '/')
                let padded = b64 + String('=', (4 - b64.Length % 4) % 4)
                let decoded = Text.Encoding.ASCII.GetString(Convert.FromBase64String padded)

                match decoded.Split '.' with
                | [| ticks; id |] ->
                    match Int64.TryParse ticks, Guid.TryParseExact(id, "N") with
                    | (true, t), (true, g) when
                        t >= DateTimeOffset.MinValue.UtcTicks && t <= DateTimeOffset.MaxValue.UtcTicks
                        ->
                        Some {
                            CreatedAt = DateTimeOffset(t, TimeSpan.Zero)
                            Id = g
                        }
                    | _ -> None
                | _ -> None
        with :? FormatException ->
            None

/// A page of a listing.
type ListQuery = {
    Page: int
    PageSize: int
    Status: TimepointStatus option
    Search: string option
    /// Rows after this position (keyset pagination, stable under inserts); Page is then not used.
    After: PageCursor option
}

/// One page of results and the total count of matching rows.
type Page<'T> = {
    Items: 'T list
    Total: int64
    Page: int
    PageSize: int
    /// The cursor of the next page when this page is full.
    Next: PageCursor option
}

/// A stored image.
type StoredImage = { Bytes: byte[]; MimeType: string }

/// What a background generation job carries.
type JobPayload = {
    TimepointId: Guid
    Query: string
    GenerateImage: bool
    Navigation: NavigationRef option
    /// Where to deliver the signed result when the run ends (a durable delivery stored with the job).
    Callback: Callback option
}

/// A navigation to redo from its source when a job runs.
and NavigationRef = {
    SourceId: Guid
    Direction: Direction
    Units: int
    Unit: TimeUnit
}

/// How a delete removes a timepoint.
[<RequireQualifiedAccess>]
type Removal =
    /// Hidden from every read, listing, sequence and export at once; the purge deletes it for good later.
    | Soft
    /// Deleted now with its logs, image, jobs, chat sessions and webhook deliveries.
    | Permanent

/// Storage operations the application needs, as functions.
type Store = {
    /// Inserts a new timepoint; the slug is made unique (the stored timepoint is returned).
    Insert: Timepoint -> Task<Timepoint>
    /// Inserts a pending timepoint and its background job in one transaction.
    Enqueue: Timepoint -> JobPayload -> Task<Timepoint>
    /// Writes every column of an existing timepoint.
    Update: Timepoint -> Task<unit>
    Get: Guid -> Task<Timepoint option>
    GetBySlug: string -> Task<Timepoint option>
    List: ListQuery -> Task<Page<Timepoint>>
    /// As List, without the agent outputs (nothing is decoded but the row's plain columns).
    ListSummaries: ListQuery -> Task<Page<TimepointSummary>>
    /// The wire JSON of a timepoint by id, full (true) or summary, as stored bytes with their entity tag, and its status.
    GetWire: Guid -> bool -> Task<(RenderedBody * TimepointStatus) option>
    /// As GetWire, by slug.
    GetWireBySlug: string -> bool -> Task<(RenderedBody * TimepointStatus) option>
    /// As ListSummaries, each item the summary's wire JSON bytes (see AppWire.pageBytes).
    ListWire: ListQuery -> Task<Page<byte[]>>
    /// Removes a timepoint (soft: hidden; permanent: with its logs, image and jobs, its children keeping no parent).
    /// False when no row has the id; a soft-deleted row is still found (a repeated delete succeeds).
    Delete: Removal -> Guid -> Task<bool>
    Children: Guid -> Task<Timepoint list>
    PutImage: Guid -> StoredImage -> Task<unit>
    GetImage: Guid -> Task<StoredImage option>
    /// Stores step records in order in one write (numbered by the store, after the ones already there).
    AppendLogs: Guid -> StepRecord list -> Task<unit>
    /// Logs after a sequence number, in order.
    Logs: Guid -> int64 -> Task<StepRecord list>
    /// True when the database answers.
    Ping: CancellationToken -> Task<bool>
}

/// The models a run is planned to use, before it runs.
type PlannedModels = {
    Text: string
    Image: string
    Provider: string
}

/// The deployment's presets as the application sees them.
type PresetPort = {
    /// The preset used when a request names none (DEFAULT_PRESET).
    Default: string
    /// Every preset name a request may use.
    Names: string list
    /// The provider-independent tuning of a preset (the default preset's for an unknown name).
    Tuning: string -> PresetTuning
    /// The models a control would use on the primary provider.
    Planned: GenerationControl -> PlannedModels
}

/// Everything the application services need.
type AppEnv = {
    Store: Store
    /// Pipeline dependencies; the Emit given here also receives every event.
    Pipeline: PipelineDeps
    Now: unit -> DateTimeOffset
    NewId: unit -> Guid
    /// Wakes the background workers after an enqueue.
    Wake: unit -> unit
    /// Presets and the models they plan.
    Presets: PresetPort
}

/// Why an application request was refused.
[<RequireQualifiedAccess>]
type AppError =
    | NotFound of what: string
    | NotCompleted of id: Guid * status: TimepointStatus
    | Temporal of TemporalError
    | NoDate of id: Guid
