namespace TimepointFlash

open FsToolkit.ErrorHandling

/// How the judge classifies a query.
[<RequireQualifiedAccess>]
type QueryType =
    | Historical
    | Fictional
    | Speculative
    | Contemporary
    | Invalid

/// The judge's verdict on a query.
type JudgeResult = {
    IsValid: bool
    QueryType: QueryType
    CleanedQuery: string
    Confidence: float
    Reason: string option
    SuggestedQuery: string option
    DetectedYear: int option
    DetectedLocation: string option
    DetectedFigures: string list
}

[<RequireQualifiedAccess>]
module QueryType =
    /// Wire name.
    let name =
        function
        | QueryType.Historical -> "historical"
        | QueryType.Fictional -> "fictional"
        | QueryType.Speculative -> "speculative"
        | QueryType.Contemporary -> "contemporary"
        | QueryType.Invalid -> "invalid"

    /// Every value, in wire order.
    let all = [
        QueryType.Historical
        QueryType.Fictional
        QueryType.Speculative
        QueryType.Contemporary
        QueryType.Invalid
    ]

    /// Parses a wire name, case-insensitively.
    let tryParse (s: string) =
        all |> List.tryFind (fun q -> name q = s.Trim().ToLowerInvariant())

    /// Decoder for a query type.
    let decoder: Decoder<QueryType> =
        fun path el ->
            Decode.string path el
            |> Result.bind (fun s ->
                match tryParse s with
                | Some q -> Ok q
                | None ->
                    let allowed = all |> List.map name |> String.concat ", "
                    Decode.fail path $"must be one of {allowed}, got \"{s}\"")

[<RequireQualifiedAccess>]
module JudgeResult =
    /// The verdict used when the judge itself could not run.
    let failed reason = {
        IsValid = false
        QueryType = QueryType.Invalid
        CleanedQuery = ""
        Confidence = 0.0
        Reason = Some reason
        SuggestedQuery = None
        DetectedYear = None
        DetectedLocation = None
        DetectedFigures = []
    }

    /// Reads a judge answer, field by field (also stored verdicts, which stay readable as they were written).
    let decoder: Decoder<JudgeResult> =
        fun path el -> validation {
            let! isValid = Decode.field "is_valid" Decode.bool path el
            and! queryType = Decode.withDefault "query_type" QueryType.Historical QueryType.decoder path el
            and! cleaned = Decode.textOr "cleaned_query" "" path el
            and! confidence = Decode.withDefault "confidence" 0.8 (Decode.floatRange 0.0 1.0) path el
            and! reason = Decode.text "reason" path el
            and! suggested = Decode.text "suggested_query" path el
            and! year = Decode.optional "detected_year" Decode.int path el
            and! location = Decode.text "detected_location" path el
            and! figures = Decode.listOrEmpty "detected_figures" Decode.nonBlank path el

            return {
                IsValid = isValid
                QueryType = queryType
                CleanedQuery = cleaned
                Confidence = confidence
                Reason = reason
                SuggestedQuery = suggested
                DetectedYear = year |> Option.filter (fun y -> y <> 0)
                DetectedLocation = location
                DetectedFigures = figures
            }
        }

    /// Wire form.
    let encode (j: JudgeResult) =
        Encode.obj [
            "is_valid", Encode.bool j.IsValid
            "query_type", Encode.string (QueryType.name j.QueryType)
            "cleaned_query", Encode.string j.CleanedQuery
            "confidence", Encode.float j.Confidence
            "reason", Encode.opt Encode.string j.Reason
            "suggested_query", Encode.opt Encode.string j.SuggestedQuery
            "detected_year", Encode.opt Encode.int j.DetectedYear
            "detected_location", Encode.opt Encode.string j.DetectedLocation
            "detected_figures", Encode.list Encode.string j.DetectedFigures
        ]

    /// Reads a model's verdict; an inconsistent one (invalid without a reason, valid but of kind invalid) is
    /// rejected so that the step retries rather than reporting a rejection nobody can explain.
    let verdictDecoder: Decoder<JudgeResult> =
        fun path el ->
            decoder path el
            |> Result.bind (fun j ->
                if not j.IsValid && j.Reason.IsNone then
                    Decode.fail $"{path}.reason" "an invalid verdict must give its reason"
                elif j.IsValid && j.QueryType = QueryType.Invalid then
                    Decode.fail $"{path}.query_type" "a valid verdict cannot be of kind invalid"
                else
                    Ok j)

    /// Where the output is kept (metadata.judge).
    let key = OutputKey.create "judge" encode decoder
