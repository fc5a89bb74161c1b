namespace TimepointFlash

open System

/// What a listing shows of a timepoint: everything but the agent outputs (read without decoding them).
type TimepointSummary = {
    Id: Guid
    Query: string
    Slug: string
    Status: TimepointStatus
    GenerateImage: bool
    Point: TemporalPoint option
    Location: string option
    /// The full image prompt text.
    ImagePrompt: string option
    HasImage: bool
    ImageError: string option
    Error: GenerationError option
    ParentId: Guid option
    Provenance: Provenance option
    CreatedAt: DateTimeOffset
    UpdatedAt: DateTimeOffset
}

[<RequireQualifiedAccess>]
module TimepointSummary =
    /// The summary of a full timepoint.
    let ofTimepoint (t: Timepoint) : TimepointSummary = {
        Id = t.Id
        Query = t.Query
        Slug = t.Slug
        Status = t.Status
        GenerateImage = t.GenerateImage
        Point = t.Point
        Location = t.Location
        ImagePrompt = t.ImagePrompt |> Option.map (fun p -> p.FullPrompt)
        HasImage = t.HasImage
        ImageError = t.ImageError
        Error = t.Error
        ParentId = t.ParentId
        Provenance = t.Provenance
        CreatedAt = t.CreatedAt
        UpdatedAt = t.UpdatedAt
    }
