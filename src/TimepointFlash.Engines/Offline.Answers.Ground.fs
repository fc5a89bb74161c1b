namespace TimepointFlash.Engines.Offline

open TimepointFlash
open TimepointFlash.Agents

/// The offline grounding: a query that names a curated moment is verified from the engine's own curated data, and
/// the answer cites that entry; anything else is unverified (no facts, no sources, confidence 0).
[<RequireQualifiedAccess>]
module GroundAnswer =
    /// The citation of a curated moment.
    let source (m: KnownMoment) : GroundingSource = {
        Title = $"TimepointFlash curated knowledge: {m.Title}"
        Url = $"urn:timepoint-flash:knowledge:{m.Key}"
    }

    let private date (m: KnownMoment) =
        match m.Month, m.Day with
        | Some month, Some day -> $"{day} {Years.monthName month} {Years.display m.Year}"
        | Some month, None -> $"{Years.monthName month} {Years.display m.Year}"
        | _ -> Years.display m.Year

    /// Grounds a query from the curated moments.
    let answer (input: GroundingInput) : GroundingData =
        match (Query.analyse input.Query).Known with
        | Some m -> {
            VerifiedDate = Some(date m)
            VerifiedLocation = Some m.Place
            Participants =
                m.Participants
                |> List.filter (fun p -> not p.Anonymous)
                |> List.map (fun p -> p.Name)
            Facts = [ m.Context; m.Significance ] |> List.filter (fun f -> f.Trim() <> "")
            Sources = [ source m ]
            Confidence = 0.9
          }
        | None -> {
            VerifiedDate = None
            VerifiedLocation = None
            Participants = []
            Facts = []
            Sources = []
            Confidence = 0.0
          }
