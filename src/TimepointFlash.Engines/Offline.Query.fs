namespace TimepointFlash.Engines.Offline

open System
open System.Collections.Concurrent

/// Everything the offline engine reads out of one query.
type Analysis = {
    Query: string
    Normalised: string
    /// Stable hash of the normalised query; all variety derives from it.
    Seed: uint32
    Known: KnownMoment option
    Date: YearGuess option
    Place: Place option
    Figures: (Participant * KnownMoment) list
    EraHint: EraHint option
    Verdict: Verdict
}

/// Query analysis: known moment, date, place, figures, era words and the screening verdict.
[<RequireQualifiedAccess>]
module Query =
    /// Analyses a query against the given knowledge.
    let analyseWith (k: Knowledge) (query: string) : Analysis =
        let query = Text.sanitise query
        let q = Text.normalise query
        let seed = Text.hash query
        let date = Years.extract query
        let known = Match.best k q date |> Option.map fst
        let place = Gazetteer.tryFind q
        let figures = Match.figures query
        let hint = Match.eraHint q

        let year =
            known
            |> Option.map (fun m -> m.Year)
            |> Option.orElse (date |> Option.map (fun d -> d.Year))

        let strong = known.IsSome || date.IsSome

        let anchored = place.IsSome || not (List.isEmpty figures) || hint.IsSome

        {
            Query = query
            Normalised = q
            Seed = seed
            Known = known
            Date = date
            Place = place
            Figures = figures
            EraHint = hint
            Verdict = Screen.classify k seed q strong anchored year
        }

    // Analyses of recent queries: one generation asks for its query's analysis once per agent, and analysing is
    // pure, so a remembered analysis is the same answer. Bounded: emptied when full.
    let private recent = ConcurrentDictionary<string, Analysis>(StringComparer.Ordinal)
    let private recentLimit = 256

    /// Analyses a query against the embedded knowledge (recent queries are remembered).
    let analyse (query: string) =
        if isNull query then
            analyseWith (Knowledge.embedded ()) query
        else
            match recent.TryGetValue query with
            | true, a -> a
            | _ ->
                let a = analyseWith (Knowledge.embedded ()) query

                if recent.Count >= recentLimit then
                    recent.Clear()

                recent[query] <- a
                a

    /// The year the query points at: known moment, explicit date, era word, figure, then the place's best-known year.
    let year (a: Analysis) =
        a.Known
        |> Option.map (fun m -> m.Year)
        |> Option.orElse (a.Date |> Option.map (fun d -> d.Year))
        |> Option.orElse (a.EraHint |> Option.map (fun h -> h.Year))
        |> Option.orElse (a.Figures |> List.tryHead |> Option.map (fun (_, m) -> m.Year))
        |> Option.orElse (a.Place |> Option.bind (fun p -> p.YearHint))

    /// The broad region the query points at, if any.
    let region (a: Analysis) =
        a.Known
        |> Option.map (fun m -> m.Region)
        |> Option.orElse (a.Place |> Option.map (fun p -> p.Region))
        |> Option.orElse (a.EraHint |> Option.bind (fun h -> h.Region))
        |> Option.orElse (a.Figures |> List.tryHead |> Option.map (fun (_, m) -> m.Region))

    /// The query with whitespace collapsed and the first letter capitalised.
    let cleaned (a: Analysis) =
        a.Query.Split((null: char[]), System.StringSplitOptions.RemoveEmptyEntries)
        |> String.concat " "
        |> Text.clip 300
        |> Text.capitalise
