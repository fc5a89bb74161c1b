namespace TimepointFlash

/// How much an issue the critique found matters.
[<RequireQualifiedAccess>]
type Severity =
    | Critical
    | Major
    | Minor

/// What kind of slip an issue is.
[<RequireQualifiedAccess>]
type IssueCategory =
    | Anachronism
    | Voice
    | Fact
    | Style

/// One issue: where it is (a field such as "dialog[2]"), the quoted text and what is wrong.
type CritiqueIssue = {
    Severity: Severity
    Category: IssueCategory
    Field: string
    Quote: string option
    Description: string
}

/// A review of the dialog, the characters and the scene against the scene's date and place.
type CritiqueData = {
    Issues: CritiqueIssue list
    HasCritical: bool
    RevisionInstructions: string option
    /// Whether the dialog was re-run with the instructions (set by the pipeline, not the model).
    Revised: bool
}

[<RequireQualifiedAccess>]
module CritiqueData =
    /// Wire names of the severities.
    let severities = [
        Severity.Critical, "critical"
        Severity.Major, "major"
        Severity.Minor, "minor"
    ]

    /// Wire names of the categories.
    let categories = [
        IssueCategory.Anachronism, "anachronism"
        IssueCategory.Voice, "voice"
        IssueCategory.Fact, "fact"
        IssueCategory.Style, "style"
    ]

    /// Severity as a closed vocabulary; an unknown severity is an error (the reviewer is asked again).
    let severityVocabulary =
        Vocabulary.create severities [ "high", Severity.Critical; "medium", Severity.Major; "low", Severity.Minor ] None

    /// Category as a closed vocabulary; an unknown category is an error.
    let categoryVocabulary =
        Vocabulary.create
            categories
            [
                "anachronistic", IssueCategory.Anachronism
                "character voice", IssueCategory.Voice
                "factual", IssueCategory.Fact
                "accuracy", IssueCategory.Fact
                "tone", IssueCategory.Style
            ]
            None

    /// Wire name of a severity.
    let severityName = Vocabulary.name severityVocabulary

    /// Wire name of a category.
    let categoryName = Vocabulary.name categoryVocabulary

    let private issue: Codec<CritiqueIssue> =
        Codec.record (fun severity category field quote description -> {
            Severity = severity
            Category = category
            Field = field
            Quote = quote
            Description = description
        })
        |> Codec.required "severity" (fun i -> i.Severity) (Vocabulary.codec severityVocabulary)
        |> Codec.required "category" (fun i -> i.Category) (Vocabulary.codec categoryVocabulary)
        |> Codec.fallback "field" (fun i -> i.Field) "" Codec.label
        |> Codec.optional "quote" (fun i -> i.Quote) Codec.hindsight
        |> Codec.required "description" (fun i -> i.Description) Codec.hindsight
        |> Codec.seal

    /// The critique's one definition: the reviewer's answer, and the stored form with whether the dialog was
    /// revised. `has_critical` is asked of the reviewer but always recomputed from the issues.
    let codec: Codec<CritiqueData> =
        Codec.record (fun issues (_: bool) instructions revised -> {
            Issues = issues
            HasCritical = issues |> List.exists (fun i -> i.Severity = Severity.Critical)
            RevisionInstructions = instructions
            Revised = revised
        })
        |> Codec.fallback "issues" (fun c -> c.Issues) [] (Codec.list (Some 12) issue)
        |> Codec.fallback "has_critical" (fun c -> c.HasCritical) false Codec.bool
        |> Codec.optional "revision_instructions" (fun c -> c.RevisionInstructions) Codec.guidance
        |> Codec.stored "revised" (fun c -> c.Revised) false Codec.bool
        |> Codec.seal

    /// Reads a critique.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.critique).
    let key = OutputKey.ofCodec "critique" codec
