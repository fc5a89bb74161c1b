namespace TimepointFlash

/// Wire shapes of the application's answers, shared by the API, the CLI and the facade.
[<RequireQualifiedAccess>]
module AppWire =
    /// A page of timepoint summaries with the total.
    let page (p: Page<TimepointSummary>) =
        Encode.obj [
            "items", Encode.list TimepointWire.encodeSummary p.Items
            "total", Encode.int64 p.Total
            "page", Encode.int p.Page
            "page_size", Encode.int p.PageSize
            "next_cursor", Encode.opt (PageCursor.encode >> Encode.string) p.Next
        ]

    /// The bytes of `page` over items already rendered as summary wire JSON: the same text, without a JSON tree.
    let pageBytes (p: Page<byte[]>) : byte[] =
        let buffer =
            System.Buffers.ArrayBufferWriter<byte>(256 + (p.Items |> List.sumBy (fun b -> b.Length + 1)))

        let options =
            System.Text.Json.JsonWriterOptions(
                Encoder = Encode.options.Encoder,
                Indented = false,
                SkipValidation = true
            )

        use w = new System.Text.Json.Utf8JsonWriter(buffer, options)
        w.WriteStartObject()
        w.WriteStartArray "items"

        for item in p.Items do
            w.WriteRawValue(System.ReadOnlySpan item, true)

        w.WriteEndArray()
        w.WriteNumber("total", p.Total)
        w.WriteNumber("page", p.Page)
        w.WriteNumber("page_size", p.PageSize)

        match p.Next with
        | Some c -> w.WriteString("next_cursor", PageCursor.encode c)
        | None -> w.WriteNull "next_cursor"

        w.WriteEndObject()
        w.Flush()
        buffer.WrittenSpan.ToArray()

    /// A short reference to a timepoint for sequences.
    let link (t: Timepoint) =
        Encode.obj [
            "id", Encode.string (string t.Id)
            "slug", Encode.string t.Slug
            "year", Encode.opt Encode.int (Timepoint.year t)
            "date", Encode.opt (Temporal.format >> Encode.string) t.Point
            "location", Encode.opt Encode.string t.Location
            "status", Encode.string (TimepointStatus.name t.Status)
            "parent_id", Encode.opt (string >> Encode.string) t.ParentId
        ]

    /// A sequence view.
    let sequence (v: Sequence.View) =
        Encode.obj [
            "center", link v.Center
            "prior", Encode.list link v.Prior
            "next", Encode.list link v.Next
        ]

    /// The answer to a navigation.
    let navigation (source: Timepoint) (target: Timepoint) (direction: Direction) (units: int) (unit: TimeUnit) =
        let unitName = TimeUnit.name unit
        let way = if direction = Direction.Next then "forward" else "backward"

        Encode.obj [
            "source_id", Encode.string (string source.Id)
            "target_id", Encode.string (string target.Id)
            "source_year", Encode.opt Encode.int (Timepoint.year source)
            "target_year", Encode.opt Encode.int (Timepoint.year target)
            "target_date", Encode.opt (Temporal.format >> Encode.string) target.Point
            "target_slug", Encode.string target.Slug
            "target_status", Encode.string (TimepointStatus.name target.Status)
            "direction", Encode.string (Navigation.directionName direction)
            "units", Encode.int units
            "unit", Encode.string unitName
            "message", Encode.string $"Generated moment {units} {unitName}(s) {way}"
        ]

    /// The answer to a delete, worded as the reference words it.
    let deleted (removal: Removal) (id: System.Guid) =
        let how =
            match removal with
            | Removal.Soft -> "soft-deleted"
            | Removal.Permanent -> "permanently deleted"

        Encode.obj [
            "id", Encode.string (string id)
            "deleted", Encode.bool true
            "permanent", Encode.bool (removal = Removal.Permanent)
            "message", Encode.string $"Timepoint {id} {how}"
        ]
