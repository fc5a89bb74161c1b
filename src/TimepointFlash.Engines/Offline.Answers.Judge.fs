namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// The offline judge: validity, kind, cleaned query and detected year/place/figures.
[<RequireQualifiedAccess>]
module JudgeAnswer =
    let private realNames (m: KnownMoment) =
        m.Participants
        |> List.filter (fun p -> not p.Anonymous && p.Role <> CharacterRole.Background)
        |> List.map (fun p -> p.Name)

    /// Judges a query.
    let answer (query: string) : JudgeResult =
        let a = Query.analyse query
        let figures = a.Figures |> List.map (fun (p, _) -> p.Name)

        match a.Verdict with
        | Verdict.Rejected r -> {
            IsValid = false
            QueryType = QueryType.Invalid
            CleanedQuery = Query.cleaned a
            Confidence = 0.9
            Reason = Some r.Reason
            SuggestedQuery = Some r.Suggestion
            DetectedYear = a.Date |> Option.map (fun d -> d.Year)
            DetectedLocation = a.Place |> Option.map (fun p -> p.Name)
            DetectedFigures = figures
          }
        | Verdict.Accepted kind ->
            match a.Known with
            | Some m -> {
                IsValid = true
                QueryType = kind
                CleanedQuery = m.Title
                Confidence = 0.95
                Reason = Some $"Recognised as a well-known moment: {m.Title} ({Years.display m.Year})."
                SuggestedQuery = None
                DetectedYear = Some m.Year
                DetectedLocation = Some m.Place
                DetectedFigures = realNames m @ figures |> List.distinct |> List.truncate 8
              }
            | None ->
                let year = Query.year a
                let anchors = [ a.Date.IsSome; a.Place.IsSome; not figures.IsEmpty; a.EraHint.IsSome ]
                let strength = anchors |> List.filter id |> List.length

                {
                    IsValid = true
                    QueryType = kind
                    CleanedQuery = Query.cleaned a
                    Confidence = min 0.9 (0.5 + 0.15 * float strength)
                    Reason =
                        Some(
                            match year with
                            | Some y -> $"A {QueryType.name kind} scene that can be placed around {Years.display y}."
                            | None -> $"A {QueryType.name kind} scene; the period will be chosen to fit."
                        )
                    SuggestedQuery = None
                    DetectedYear = year
                    DetectedLocation = a.Place |> Option.map (fun p -> p.Name)
                    DetectedFigures = figures
                }
