namespace TimepointFlash.Interop

open System
open System.Collections.Generic

/// Life cycle of a timepoint.
type TimepointStatus =
    | Pending = 0
    | Processing = 1
    | Completed = 2
    | Failed = 3

/// What a progress report says about a step.
type StepState =
    | Started = 0
    | Completed = 1
    | Failed = 2
    /// The generation finished and the timepoint is saved.
    | Done = 3

/// Direction of time travel.
type TravelDirection =
    | Next = 0
    | Prior = 1

/// Unit of time travel.
type TravelUnit =
    | Second = 0
    | Minute = 1
    | Hour = 2
    | Day = 3
    | Week = 4
    | Month = 5
    | Year = 6

/// One person in a scene.
[<Sealed; AllowNullLiteral>]
type CharacterInfo(name: string, role: string, description: string, clothing: string, action: string, speaks: bool) =
    /// The character's name.
    member _.Name = name
    /// "primary", "secondary" or "background".
    member _.Role = role
    /// Physical description.
    member _.Description = description
    /// Period clothing, or null.
    member _.Clothing = clothing
    /// What the character is doing, or null.
    member _.Action = action
    /// True when the character speaks in the scene.
    member _.SpeaksInScene = speaks

/// One line of dialog.
[<Sealed; AllowNullLiteral>]
type DialogLineInfo(speaker: string, text: string, tone: string) =
    /// Who speaks.
    member _.Speaker = speaker
    /// What is said.
    member _.Text = text
    /// Tone of voice, or null.
    member _.Tone = tone

/// A relationship between two characters.
[<Sealed; AllowNullLiteral>]
type RelationshipInfo(from: string, target: string, kind: string, tension: string) =
    /// From this character.
    member _.From = from
    /// To this character.
    member _.To = target
    /// ally, rival, enemy, …
    member _.Type = kind
    /// friendly, neutral, tense or hostile.
    member _.Tension = tension

/// A generated scene, immutable.
[<Sealed; AllowNullLiteral>]
type Timepoint
    internal
    (
        id: Guid,
        query: string,
        slug: string,
        status: TimepointStatus,
        year: Nullable<int>,
        month: Nullable<int>,
        day: Nullable<int>,
        displayDate: string,
        location: string,
        era: string,
        setting: string,
        atmosphere: string,
        plot: string,
        characters: IReadOnlyList<CharacterInfo>,
        dialog: IReadOnlyList<DialogLineInfo>,
        relationships: IReadOnlyList<RelationshipInfo>,
        camera: string,
        imagePrompt: string,
        hasImage: bool,
        imageError: string,
        error: string,
        suggestedQuery: string,
        parentId: Nullable<Guid>,
        createdAt: DateTimeOffset,
        json: string
    ) =
    /// Unique id.
    member _.Id = id
    /// The query as asked.
    member _.Query = query
    /// Readable unique address, e.g. "rome-50-bce".
    member _.Slug = slug
    /// Pending, processing, completed or failed.
    member _.Status = status
    /// Historical year (negative = BCE, never 0), or null.
    member _.Year = year
    /// Month 1–12, or null.
    member _.Month = month
    /// Day of month, or null.
    member _.Day = day
    /// "March 15, 44 BCE", or null.
    member _.DisplayDate = displayDate
    /// Where the scene happens, or null.
    member _.Location = location
    /// The era, or null.
    member _.Era = era
    /// The physical setting, or null.
    member _.Setting = setting
    /// The atmosphere, or null.
    member _.Atmosphere = atmosphere
    /// What happens, or null.
    member _.Plot = plot
    /// The people present (empty when none).
    member _.Characters = characters
    /// The dialog (empty when none).
    member _.Dialog = dialog
    /// Relationships between characters (empty when none).
    member _.Relationships = relationships
    /// One-line camera description, or null.
    member _.Camera = camera
    /// The image prompt, or null.
    member _.ImagePrompt = imagePrompt
    /// True when an image is stored.
    member _.HasImage = hasImage
    /// Why the image could not be made, or null.
    member _.ImageError = imageError
    /// Why the generation failed, or null.
    member _.Error = error
    /// A better query when the judge rejected this one, or null.
    member _.SuggestedQuery = suggestedQuery
    /// The scene this one was travelled from, or null.
    member _.ParentId = parentId
    /// When it was created.
    member _.CreatedAt = createdAt
    /// The full timepoint in the API's JSON shape.
    member _.ToJson() = json

/// Progress of a generation.
[<Sealed; AllowNullLiteral>]
type StepProgress
    internal
    (
        step: string,
        state: StepState,
        percent: int,
        latencyMs: Nullable<int64>,
        model: string,
        provider: string,
        error: string,
        timepointId: Nullable<Guid>
    ) =
    /// Step name: judge, timeline, scene, characters, moment, camera, graph, dialog, image_prompt, image_generation.
    member _.Step = step
    /// Started, completed, failed, or done.
    member _.State = state
    /// 0–100, never decreasing.
    member _.Percent = percent
    /// How long the step took, or null.
    member _.LatencyMs = latencyMs
    /// Model that answered, or null.
    member _.Model = model
    /// Provider that answered, or null.
    member _.Provider = provider
    /// Why the step failed, or null.
    member _.Error = error
    /// Set on the final Done report.
    member _.TimepointId = timepointId

/// One page of a listing.
[<Sealed; AllowNullLiteral>]
type TimepointPage internal (items: IReadOnlyList<Timepoint>, total: int64, page: int, pageSize: int) =
    /// Timepoints on this page, newest first.
    member _.Items = items
    /// Matching timepoints in all pages.
    member _.Total = total
    /// Page number from 1.
    member _.Page = page
    /// Items per page.
    member _.PageSize = pageSize
