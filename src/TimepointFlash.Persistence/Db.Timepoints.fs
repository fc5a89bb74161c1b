namespace TimepointFlash.Persistence

open System
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash

// ListQuery and Page<'T> are the application's (Core, App.Ports.fs).

/// What linking a new timepoint to its source did.
[<RequireQualifiedAccess>]
type LinkOutcome =
    | Linked
    /// The timepoint already has this other parent; nothing was changed.
    | AlreadyLinked of parentId: Guid

/// Timepoint storage, built from one Database.
type TimepointStore = {
    /// Inserts a timepoint; a taken slug gets "-2", "-3", … (then a random suffix), an invalid one is derived from
    /// the query. Returns the stored row.
    Insert: Timepoint -> Task<Result<Timepoint, DbError>>
    /// Rewrites every column but id, parent_id (see LinkParent) and created_at; stamps updated_at; a taken slug
    /// gets a suffix. NotFound if absent.
    Update: Timepoint -> Task<Result<Timepoint, DbError>>
    /// As Update, without reading the stored row back.
    Save: Timepoint -> Task<Result<unit, DbError>>
    TryGet: Guid -> Task<Result<Timepoint option, DbError>>
    TryGetBySlug: string -> Task<Result<Timepoint option, DbError>>
    /// A page, newest first, with the correct total of matching rows.
    List: ListQuery -> Task<Result<Page<Timepoint>, DbError>>
    /// As List, summaries only: the agent outputs are neither selected nor decoded.
    ListSummaries: ListQuery -> Task<Result<Page<TimepointSummary>, DbError>>
    /// Deletes the row with its logs, image and jobs; children keep existing with parent_id null. False if absent
    /// (a soft-deleted row is present).
    Delete: Guid -> Task<Result<bool, DbError>>
    /// Hides the row from every read (stamps deleted_at; a second soft delete keeps the first stamp). False if absent.
    SoftDelete: Guid -> Task<Result<bool, DbError>>
    /// Deletes for good, as Delete, every row soft-deleted before the instant; returns how many.
    PurgeDeleted: DateTimeOffset -> Task<Result<int, DbError>>
    /// Sets child.parent_id = parent unless the child already has a different parent.
    LinkParent: Guid -> Guid -> Task<Result<LinkOutcome, DbError>>
    /// Every child of a timepoint, ordered by time (year, month, day, hour, minute, second, then creation).
    Children: Guid -> Task<Result<Timepoint list, DbError>>
    /// The wire JSON of one form (full when true) as stored bytes with their entity tag, rendered from the row
    /// only when stale; nothing else is decoded. With the status.
    TryGetWire: WireRows.Key -> bool -> Task<Result<(RenderedBody * TimepointStatus) option, DbError>>
    /// As ListSummaries, each item the summary's wire JSON bytes.
    ListWire: ListQuery -> Task<Result<Page<byte[]>, DbError>>
}

/// SQL for the timepoints table.
[<RequireQualifiedAccess>]
module Timepoints =
    let private selectFrom = $"SELECT {TimepointRow.columns} FROM timepoints t"

    let private collect (rows: Result<Timepoint, DbError> list) = rows |> List.sequenceResultM

    let private insertSql =
        """
        INSERT INTO timepoints (
            id, query, slug, status, generate_image, year, month, day, hour, minute, second,
            season, time_of_day, era, hemisphere, calendar, location, search_text,
            outputs_json,
            image_prompt, image_error, error_kind, error_provider_kind, error_message, error_step, suggested_query,
            parent_id, created_at, updated_at, control_json,
            preset_used, text_model_used, image_model_used, model_provider, generation_time_ms)
        VALUES (
            @id, @query, @slug, @status, @generate_image, @year, @month, @day, @hour, @minute, @second,
            @season, @time_of_day, @era, @hemisphere, @calendar, @location, @search_text,
            @outputs_json,
            @image_prompt, @image_error, @error_kind, @error_provider_kind, @error_message, @error_step, @suggested_query,
            @parent_id, @created_at, @updated_at, @control_json,
            @preset_used, @text_model_used, @image_model_used, @model_provider, @generation_time_ms)
        ON CONFLICT (slug) DO NOTHING
        """

    let private updateSql =
        """
        UPDATE timepoints SET
            query = @query, slug = @slug, status = @status, generate_image = @generate_image,
            year = @year, month = @month, day = @day, hour = @hour, minute = @minute, second = @second,
            season = @season, time_of_day = @time_of_day, era = @era, hemisphere = @hemisphere,
            calendar = @calendar, location = @location, search_text = @search_text,
            outputs_json = @outputs_json,
            image_prompt = @image_prompt, image_error = @image_error, error_kind = @error_kind,
            error_provider_kind = @error_provider_kind,
            error_message = @error_message,
            error_step = @error_step, suggested_query = @suggested_query,
            control_json = @control_json, preset_used = @preset_used, text_model_used = @text_model_used,
            image_model_used = @image_model_used, model_provider = @model_provider,
            generation_time_ms = @generation_time_ms,
            updated_at = @updated_at
        WHERE id = @id
        """

    /// Slugs to try in order: the slug, "-2" … "-6", then random six-character suffixes.
    let slugCandidates (slug: string) =
        let random () =
            String(Array.init 6 (fun _ -> "abcdefghijklmnopqrstuvwxyz0123456789"[Random.Shared.Next 36]))

        seq {
            yield slug
            for n in 2..6 -> Slug.withSuffix slug (string n)
            for _ in 1..20 -> Slug.withSuffix slug (random ())
        }

    /// Loads one timepoint in a session.
    let tryGetIn (s: Session) (id: Guid) = task {
        let! rows = Db.query s $"{selectFrom} WHERE t.id = @id" [ "id", Sql.uuid id ] TimepointRow.read
        return rows |> collect |> Result.map List.tryHead
    }

    /// Loads one timepoint that is not soft-deleted.
    let private tryGetVisibleIn (s: Session) (id: Guid) = task {
        let! rows =
            Db.query
                s
                $"{selectFrom} WHERE t.id = @id AND {TimepointRow.visible}"
                [ "id", Sql.uuid id ]
                TimepointRow.read

        return rows |> collect |> Result.map List.tryHead
    }

    /// The timepoint's slug, or one derived from its query and year when it does not have the slug shape.
    let private slugOf (t: Timepoint) =
        if Slug.isValid t.Slug then
            t.Slug
        else
            Slug.ofText t.Query (Timepoint.year t)

    /// Inserts a timepoint in a session, moving to the next slug candidate while the slug is taken.
    let insertIn (s: Session) (t: Timepoint) : Task<Result<Timepoint, DbError>> = task {
        let slug = slugOf t

        let stored = {
            t with
                Slug = slug
                CreatedAt = Timestamp.normalise t.CreatedAt
                UpdatedAt = Timestamp.normalise t.UpdatedAt
                HasImage = false
        }

        let mutable result = None
        use candidates = (slugCandidates slug).GetEnumerator()

        while result.IsNone && candidates.MoveNext() do
            let candidate = {
                stored with
                    Slug = candidates.Current
            }

            let! n = Db.execute s insertSql (TimepointRow.parameters candidate)

            if n = 1 then
                result <- Some(Ok candidate)

        return
            result
            |> Option.defaultValue (Error(DbError.UniqueViolation $"no free slug for '{t.Slug}'"))
    }

    let private flatten (r: Task<Result<Result<'T, DbError>, DbError>>) = task {
        let! x = r
        return Result.bind id x
    }

    let private isSlugConflict =
        function
        | DbError.UniqueViolation d -> d.Contains "slug"
        | _ -> false

    /// How a write of the timepoint commits: synced when it leaves the timepoint completed or failed, buffered while
    /// it is pending or processing (a synced write follows; see Db.runBuffered).
    let private writeRun (db: Database) (t: Timepoint) : (Session -> Task<'T>) -> Task<Result<'T, DbError>> =
        if TimepointStatus.isFinal t.Status then
            Db.run db
        else
            Db.runBuffered db

    let private save (db: Database) (t: Timepoint) = task {
        let stored = { t with UpdatedAt = db.Now() }
        let mutable result = None
        use candidates = (slugCandidates (slugOf t)).GetEnumerator()

        while result.IsNone && candidates.MoveNext() do
            let candidate = {
                stored with
                    Slug = candidates.Current
            }

            let! n = writeRun db t (fun s -> Db.execute s updateSql (TimepointRow.parameters candidate))

            match n with
            | Ok 0 -> result <- Some(Error(DbError.NotFound $"timepoint {t.Id}"))
            | Ok _ -> result <- Some(Ok candidate)
            | Error e when isSlugConflict e -> ()
            | Error e -> result <- Some(Error e)

        return
            result
            |> Option.defaultValue (Error(DbError.UniqueViolation $"no free slug for '{t.Slug}'"))
            |> Result.map ignore
    }

    /// Renders and stores the wire bytes of a finished timepoint just written; a failure here leaves the bytes
    /// stale for the read path to render, so it does not fail the write.
    let private storeWire (db: Database) (t: Timepoint) = task {
        if TimepointStatus.isFinal t.Status then
            let! _ = Db.run db (fun s -> WireRows.refreshIn s (WireRows.Key.Id t.Id))
            ()
    }

    let private saveAndRender (db: Database) (t: Timepoint) = task {
        let! saved = save db t

        if Result.isOk saved then
            do! storeWire db t

        return saved
    }

    let private insert (db: Database) (t: Timepoint) = task {
        let! inserted = writeRun db t (fun s -> insertIn s t) |> flatten

        if Result.isOk inserted then
            do! storeWire db t

        return inserted
    }

    let private update (db: Database) (t: Timepoint) = task {
        match! saveAndRender db t with
        | Ok() ->
            let! loaded = Db.run db (fun s -> tryGetIn s t.Id) |> flatten

            return
                loaded
                |> Result.bind (Result.requireSome (DbError.NotFound $"timepoint {t.Id}"))
        | Error e -> return Error e
    }

    let private linkParent (db: Database) (child: Guid) (parent: Guid) =
        if child = parent then
            Task.FromResult(Error(DbError.ConstraintViolation "a timepoint cannot be its own parent"))
        else
            Db.transact db (fun s -> task {
                let! n =
                    Db.execute s """
                        UPDATE timepoints SET parent_id = @parent, updated_at = @now
                        WHERE id = @child AND (parent_id IS NULL OR parent_id = @parent)
                        """ [
                        "parent", Sql.uuid parent
                        "child", Sql.uuid child
                        "now", Sql.timestamp (db.Now())
                    ]

                if n = 1 then
                    return Ok LinkOutcome.Linked
                else
                    let! existing =
                        Db.queryOption
                            s
                            "SELECT parent_id FROM timepoints WHERE id = @child"
                            [ "child", Sql.uuid child ]
                            (fun r -> r.uuidOrNone "parent_id")

                    match existing with
                    | None -> return Error(DbError.NotFound $"timepoint {child}")
                    | Some(Some p) -> return Ok(LinkOutcome.AlreadyLinked p)
                    | Some None -> return Error(DbError.Failed $"timepoint {child} could not be linked")
            })

    let private children (s: Session) (id: Guid) = task {
        let! rows =
            Db.query
                s
                $"""
                {selectFrom} WHERE t.parent_id = @id AND {TimepointRow.visible}
                ORDER BY (t.year IS NULL), t.year, COALESCE(t.month, 0), COALESCE(t.day, 0),
                         COALESCE(t.hour, -1), COALESCE(t.minute, -1), COALESCE(t.second, -1), t.created_at, t.id
                """
                [ "id", Sql.uuid id ]
                TimepointRow.read

        return collect rows
    }

    /// Deletes a row in a session; its children's stored bytes become stale (they name their parent).
    let private deleteIn (s: Session) (id: Guid) = task {
        let! _ =
            Db.execute s "UPDATE timepoints SET wire_stamp = NULL, wire_rev = wire_rev + 1 WHERE parent_id = @id" [
                "id", Sql.uuid id
            ]

        let! n = Db.execute s "DELETE FROM timepoints WHERE id = @id" [ "id", Sql.uuid id ]
        return n > 0
    }

    /// Stamps deleted_at once. The update moves wire_rev itself, so migration 0008's trigger keeps the stored
    /// bytes current (a hidden row is not rendered again); on PostgreSQL migration 0012's trigger sends the
    /// delete notice.
    let private softDelete (db: Database) (id: Guid) =
        Db.run db (fun s -> task {
            let! n =
                Db.execute s """
                    UPDATE timepoints SET deleted_at = @now, wire_rev = wire_rev + 1
                    WHERE id = @id AND deleted_at IS NULL
                    """ [ "id", Sql.uuid id; "now", Sql.timestamp (db.Now()) ]

            if n > 0 then
                return true
            else
                let! found =
                    Db.queryOption s "SELECT 1 AS one FROM timepoints WHERE id = @id" [ "id", Sql.uuid id ] (fun r ->
                        r.int "one")

                return found.IsSome
        })

    /// Deletes, a row at a time with the same cascade as Delete, the rows soft-deleted before the cutoff.
    let private purgeDeleted (db: Database) (cutoff: DateTimeOffset) = task {
        let! ids =
            Db.run db (fun s ->
                Db.query
                    s
                    "SELECT id FROM timepoints WHERE deleted_at IS NOT NULL AND deleted_at < @cutoff"
                    [ "cutoff", Sql.timestamp cutoff ]
                    (fun r -> r.uuid "id"))

        match ids with
        | Error e -> return Error e
        | Ok ids ->
            let mutable purged = 0
            let mutable failure = None

            for id in ids do
                if failure.IsNone then
                    match! Db.run db (fun s -> deleteIn s id) with
                    | Ok true -> purged <- purged + 1
                    | Ok false -> ()
                    | Error e -> failure <- Some e

            return
                match failure with
                | Some e -> Error e
                | None -> Ok purged
    }

    /// The timepoint store over a database.
    let store (db: Database) : TimepointStore = {
        Insert = insert db
        Update = update db
        Save = saveAndRender db
        TryGet = fun id -> Db.run db (fun s -> tryGetVisibleIn s id) |> flatten
        TryGetBySlug =
            fun slug ->
                Db.run db (fun s -> task {
                    let! rows =
                        Db.query
                            s
                            $"{selectFrom} WHERE t.slug = @slug AND {TimepointRow.visible}"
                            [ "slug", Sql.text slug ]
                            TimepointRow.read

                    return rows |> collect |> Result.map List.tryHead
                })
                |> flatten
        List =
            fun q ->
                Db.run db (fun s -> TimepointPages.load TimepointRow.columns TimepointRow.read s q)
                |> flatten
        ListSummaries =
            fun q ->
                Db.run db (fun s -> TimepointPages.load TimepointRow.summaryColumns TimepointRow.readSummary s q)
                |> flatten
        Delete = fun id -> Db.run db (fun s -> deleteIn s id)
        SoftDelete = softDelete db
        PurgeDeleted = purgeDeleted db
        LinkParent = linkParent db
        Children = fun id -> Db.run db (fun s -> children s id) |> flatten
        TryGetWire = fun key full -> Db.run db (fun s -> WireRows.readIn s key full) |> flatten
        ListWire = fun q -> Db.run db (fun s -> WireRows.listPage s q) |> flatten
    }
