namespace TimepointFlash.Interop

open System
open System.Collections.Generic

/// Life cycle of a timepoint.
type TimepointStatus =
    /// Stored, not started.
    | Pending = 0
    /// A generation is running.
    | Processing = 1
    /// Every step succeeded.
    | Completed = 2
    /// A step failed, the query was rejected, or the generation was cancelled.
    | Failed = 3

/// What a progress report says about a step.
type StepState =
    /// The step began.
    | Started = 0
    /// The step succeeded.
    | Completed = 1
    /// The step failed.
    | Failed = 2
    /// The generation finished and the timepoint is saved.
    | Done = 3

/// Unit of time travel.
type TravelUnit =
    /// Seconds.
    | Second = 0
    /// Minutes.
    | Minute = 1
    /// Hours.
    | Hour = 2
    /// Calendar days.
    | Day = 3
    /// Weeks of seven days.
    | Week = 4
    /// Calendar months (the day is clamped to the month's length).
    | Month = 5
    /// Years (there is no year 0: one year after 1 BCE is 1 CE).
    | Year = 6

/// One person in a scene.
[<Sealed>]
type CharacterInfo
    internal
    (name: string, role: string, description: string, clothing: string | null, action: string | null, speaks: bool) =
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
[<Sealed>]
type DialogLineInfo internal (speaker: string, text: string, tone: string | null) =
    /// Who speaks.
    member _.Speaker = speaker
    /// What is said.
    member _.Text = text
    /// Tone of voice, or null.
    member _.Tone = tone

/// A relationship between two characters.
[<Sealed>]
type RelationshipInfo internal (from: string, target: string, kind: string, tension: string) =
    /// From this character.
    member _.From = from
    /// To this character.
    member _.To = target
    /// ally, rival, enemy, …
    member _.Type = kind
    /// friendly, neutral, tense or hostile.
    member _.Tension = tension

/// One issue the historical review (the critique step) found in a scene.
[<Sealed>]
type ReviewIssueInfo
    internal (severity: string, category: string, field: string, quote: string | null, description: string) =
    /// critical, major or minor.
    member _.Severity = severity
    /// anachronism, voice, fact or style.
    member _.Category = category
    /// Where the issue is, e.g. "dialog[2]".
    member _.Field = field
    /// The offending text, or null.
    member _.Quote = quote
    /// What is wrong.
    member _.Description = description

/// A generated scene, immutable.
[<Sealed>]
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
        displayDate: string | null,
        location: string | null,
        era: string | null,
        setting: string | null,
        atmosphere: string | null,
        plot: string | null,
        characters: IReadOnlyList<CharacterInfo>,
        dialog: IReadOnlyList<DialogLineInfo>,
        relationships: IReadOnlyList<RelationshipInfo>,
        review: IReadOnlyList<ReviewIssueInfo>,
        dialogRevised: bool,
        camera: string | null,
        imagePrompt: string | null,
        hasImage: bool,
        imageError: string | null,
        error: string | null,
        suggestedQuery: string | null,
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
    /// Issues the historical review found (empty when none, or when the review was off or failed).
    member _.Review = review
    /// True when a critical review issue made the dialog be written again.
    member _.DialogRevised = dialogRevised
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
[<Sealed>]
type StepProgress
    internal
    (
        step: string,
        state: StepState,
        percent: int,
        latencyMs: Nullable<int64>,
        model: string | null,
        provider: string | null,
        error: string | null,
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
[<Sealed>]
type TimepointPage internal (items: IReadOnlyList<Timepoint>, total: int64, page: int, pageSize: int) =
    /// Timepoints on this page, newest first.
    member _.Items = items
    /// Matching timepoints in all pages.
    member _.Total = total
    /// Page number from 1.
    member _.Page = page
    /// Items per page.
    member _.PageSize = pageSize

/// An image stored with a timepoint.
[<Sealed>]
type TimepointImage internal (bytes: byte[], mimeType: string) =
    /// The encoded image.
    member _.Bytes = bytes
    /// Its media type, e.g. "image/png".
    member _.MimeType = mimeType
