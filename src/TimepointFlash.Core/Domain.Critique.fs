namespace TimepointFlash

open FsToolkit.ErrorHandling

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

    let private nameIn table x =
        table |> List.find (fun (v, _) -> v = x) |> snd

    /// Wire name of a severity.
    let severityName = nameIn severities

    /// Wire name of a category.
    let categoryName = nameIn categories

    /// A closed vocabulary read leniently from model text ("Critical " → Critical), naming the allowed values.
    let private vocabulary (table: ('T * string) list) : Decoder<'T> =
        fun path el -> validation {
            let! text = Decode.string path el
            let wanted = text.Trim().ToLowerInvariant()

            match table |> List.tryFind (fun (_, name) -> name = wanted) with
            | Some(v, _) -> return v
            | None ->
                let allowed = table |> List.map snd |> String.concat ", "
                return! Decode.fail path $"\"{text}\" is not one of {allowed}"
        }

    let private issue: Decoder<CritiqueIssue> =
        fun path el -> validation {
            let! severity = Decode.field "severity" (vocabulary severities) path el
            and! category = Decode.field "category" (vocabulary categories) path el
            and! field = Decode.textOr "field" "" path el
            and! quote = Decode.text "quote" path el
            and! description = Decode.field "description" Decode.nonBlank path el

            return {
                Severity = severity
                Category = category
                Field = field
                Quote = quote
                Description = description
            }
        }

    /// Reads and validates a critique; has_critical is true exactly when an issue is critical.
    let decoder: Decoder<CritiqueData> =
        fun path el -> validation {
            let! issues = Decode.listOrEmpty "issues" issue path el
            and! instructions = Decode.text "revision_instructions" path el
            and! revised = Decode.withDefault "revised" false Decode.bool path el

            return {
                Issues = issues
                HasCritical = issues |> List.exists (fun i -> i.Severity = Severity.Critical)
                RevisionInstructions = instructions
                Revised = revised
            }
        }

    /// Wire form (stored in metadata.critique).
    let encode (c: CritiqueData) =
        Encode.obj [
            "issues",
            c.Issues
            |> Encode.list (fun i ->
                Encode.obj [
                    "severity", Encode.string (severityName i.Severity)
                    "category", Encode.string (categoryName i.Category)
                    "field", Encode.string i.Field
                    "quote", Encode.opt Encode.string i.Quote
                    "description", Encode.string i.Description
                ])
            "has_critical", Encode.bool c.HasCritical
            "revision_instructions", Encode.opt Encode.string c.RevisionInstructions
            "revised", Encode.bool c.Revised
        ]

    /// Where the output is kept (metadata.critique).
    let key = OutputKey.create "critique" encode decoder
