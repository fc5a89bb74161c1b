module TimepointFlash.Tests.OfflineAnswers

open System.Text.Json.Nodes
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Engines.Offline

/// Every agent output of one offline run.
type Run = {
    Judge: JudgeResult
    Timeline: TimelineData
    Scene: SceneData
    Cast: CharacterData
    Moment: MomentData
    Speakers: Character list
    Dialog: DialogData
    Camera: CameraData
    Graph: GraphData
}

/// The pipeline's speaker rule: those who speak, else the first 2 primary and 2 secondary; at most 4.
let speakersOf (cast: CharacterData) =
    match CharacterData.speaking cast with
    | [] ->
        (CharacterData.withRole CharacterRole.Primary cast |> List.truncate 2)
        @ (CharacterData.withRole CharacterRole.Secondary cast |> List.truncate 2)
    | xs -> xs
    |> List.truncate 4

let run (anchor: Anchor option) (q: string) =
    let j = Answers.judge q
    let t = Answers.timeline q j anchor
    let s = Answers.scene q t anchor
    let c = Answers.characters q j t s anchor
    let m = Answers.moment q t s c anchor
    let speakers = speakersOf c

    {
        Judge = j
        Timeline = t
        Scene = s
        Cast = c
        Moment = m
        Speakers = speakers
        Dialog = Answers.dialog q t s speakers
        Camera = Answers.camera s c (Some m)
        Graph = Answers.graph c (Some m)
    }

/// encode → JSON text → decoder, as the pipeline does with a model's answer.
let decodeBack (encode: 'T -> JsonNode) (decoder: Decoder<'T>) (value: 'T) =
    value |> encode |> Encode.toString |> Decode.fromString decoder

let private expectRoundTrip label (encode: 'T -> JsonNode) (decoder: Decoder<'T>) (value: 'T) =
    match decodeBack encode decoder value with
    | Ok decoded -> Expect.equal decoded value $"{label} decodes to the same value"
    | Error errors -> failtest $"{label} does not decode:\n{DecodeError.describeAll errors}"

let expectValid label (r: Run) =
    expectRoundTrip $"{label}: judge" JudgeResult.encode JudgeResult.decoder r.Judge
    expectRoundTrip $"{label}: timeline" TimelineData.encode TimelineData.decoder r.Timeline
    expectRoundTrip $"{label}: scene" SceneData.encode SceneData.decoder r.Scene
    expectRoundTrip $"{label}: characters" CharacterData.encode CharacterData.decoder r.Cast
    expectRoundTrip $"{label}: moment" MomentData.encode MomentData.decoder r.Moment
    expectRoundTrip $"{label}: dialog" DialogData.encode DialogData.decoder r.Dialog
    expectRoundTrip $"{label}: camera" CameraData.encode CameraData.decoder r.Camera
    expectRoundTrip $"{label}: graph" GraphData.encode GraphData.decoder r.Graph

    let n = r.Cast.Characters.Length
    Expect.isTrue (n >= 1 && n <= 8) $"{label}: {n} characters"
    let allowed = r.Speakers |> List.map (fun c -> c.Name) |> Set.ofList
    let speakers = DialogData.speakers r.Dialog
    Expect.isLessThanOrEqual speakers.Length 4 $"{label}: at most 4 speakers"
    Expect.isTrue (r.Dialog.Lines.Length >= 1 && r.Dialog.Lines.Length <= 7) $"{label}: 1–7 lines"

    if not allowed.IsEmpty then
        for s in speakers do
            Expect.isTrue (allowed.Contains s) $"{label}: {s} is one of the given speakers"

    let present = r.Cast.Characters |> List.map (fun c -> c.Name) |> Set.ofList

    for rel in r.Graph.Relationships do
        Expect.isTrue
            (present.Contains rel.FromCharacter && present.Contains rel.ToCharacter)
            $"{label}: relationship {rel.FromCharacter} → {rel.ToCharacter} is between present characters"

let unknownQueries = [
    "rome 50 BCE"
    "a medieval market"
    "the 1920s in Paris"
    "3rd century BC China"
    "Napoleon crossing the Alps"
    "c. 1500 Venice"
    "1969-07-20"
    "what if Rome never fell"
    "a hobbit's birthday party"
    "Cleopatra"
    "Tokyo 2050"
    "a samurai duel at dawn"
    "Baghdad 850 AD"
    "Timbuktu market 1350"
    "cusco under the inca"
    "a viking raid"
    "AD 476"
    "how do I bake bread"
    "what is love"
    ""
]

let private point year month day : TemporalPoint = {
    Year = year
    Month = month
    Day = day
    Hour = None
    Minute = None
    Second = None
    Season = None
    TimeOfDay = None
    Era = None
    Hemisphere = None
    Calendar = Calendar.Historical
}

/// Query-like text: fragments the engine reacts to, mixed with arbitrary strings.
type QueryText = QueryText of string

type OfflineGenerators =
    static member QueryText() =
        let fragments =
            Gen.elements [
                "rome"
                "44 BC"
                "1776"
                "the 1920s"
                "how do I"
                "<script>"
                "what if"
                "Napoleon"
                "c. 1500"
                "3rd century BC"
                "ünïcödé"
                "\u0000"
                "😀"
                string (char 0xD800)
                "-"
                "AD 476"
                "moon landing"
                "Paris"
                "declaration"
                "0 AD"
                "99999 BCE"
                "  "
                "medieval"
                "Cleopatra"
                "1969-13-45"
                "&amp;"
                "\""
            ]

        let mixed = Gen.listOf fragments |> Gen.map (String.concat " ")
        let arbitrary = ArbMap.defaults |> ArbMap.generate<string>
        Gen.oneof [ mixed; arbitrary ] |> Gen.map QueryText |> Arb.fromGen

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 150
        arbitrary = [ typeof<OfflineGenerators> ]
}

/// Property: navigating any number of years from the Ides of March keeps the anchor and decodes.
let anchoredAnswersDecode (QueryText q) (years: int) =
    let first = run None "assassination of julius caesar"
    let jump = years % 120
    let target = if -44 + jump >= 0 then -44 + jump + 1 else -44 + jump
    let direction = if jump < 0 then "prior" else "next"
    let wording = if jump < 0 then "earlier" else "later"

    let anchor = {
        Point = point target (Some 3) (Some 15)
        Location = first.Timeline.Location
        Characters = first.Cast.Characters
        Setting = Some first.Scene.Setting
        PriorPlot = Some first.Moment.PlotSummary
        Direction = direction
        Offset = $"{abs jump} years {wording}"
    }

    let r = run (Some anchor) q
    expectValid $"{q} / {jump}" r
    Expect.equal (r.Timeline.Year, r.Timeline.Location) (target, first.Timeline.Location) "anchor's year and place"

let tests =
    testList "Offline.Answers" [
        test "every known moment's answers decode and respect the limits" {
            for m in (Knowledge.embedded ()).Moments do
                expectValid m.Key (run None m.Title)
        }

        test "every unknown or rejected query's answers decode and respect the limits" {
            for q in unknownQueries do
                expectValid q (run None q)
        }

        test "the same query gives the same answers" {
            for q in
                [
                    "signing of the declaration"
                    "rome 50 BCE"
                    "a medieval market"
                    "tell me a joke"
                ] do
                Expect.equal (run None q) (run None q) $"{q} is deterministic"
        }

        test "the declaration is July 4, 1776 in Philadelphia with its named signers" {
            let r = run None "signing of the declaration"
            Expect.equal (r.Timeline.Year, r.Timeline.Month, r.Timeline.Day) (1776, Some 7, Some 4) "date"
            Expect.stringContains r.Timeline.Location "Philadelphia" "place"
            let names = r.Cast.Characters |> List.map (fun c -> c.Name)

            for n in
                [
                    "John Hancock"
                    "Thomas Jefferson"
                    "John Adams"
                    "Benjamin Franklin"
                    "Charles Thomson"
                ] do
                Expect.contains names n $"{n} is cast"

            Expect.isTrue (r.Judge.IsValid && r.Judge.QueryType = QueryType.Historical) "valid historical"
        }

        test "the assassination of Julius Caesar is March 15, 44 BCE at Pompey's theatre" {
            let r = run None "assassination of julius caesar"
            Expect.equal (r.Timeline.Year, r.Timeline.Month, r.Timeline.Day) (-44, Some 3, Some 15) "Ides of March"
            Expect.stringContains r.Timeline.Location "Pompey" "Curia of Pompey"
            Expect.equal r.Timeline.Season (Some Season.Spring) "spring"
            Expect.equal r.Scene.TensionLevel TensionLevel.Climactic "climactic"
        }

        test "rome 50 BCE is placed in Rome in 50 BCE with invented Romans" {
            let r = run None "rome 50 BCE"
            Expect.equal (r.Judge.DetectedYear, r.Judge.DetectedLocation) (Some -50, Some "Rome") "judge"
            Expect.equal (r.Timeline.Year, r.Timeline.Location) (-50, "Rome") "timeline"
            Expect.isTrue r.Timeline.IsApproximate "approximate"

            let roman =
                (Kit.profileFor (Knowledge.embedded ()) "Classical Antiquity" "Europe").Names
                |> Set.ofList

            for c in r.Cast.Characters do
                Expect.isTrue (roman.Contains c.Name) $"{c.Name} is a Roman name from the profile"
        }

        test "a rejected query's judge carries a reason and a suggested query" {
            let j = Answers.judge "how do I bake bread"
            Expect.isFalse j.IsValid "invalid"
            Expect.equal j.QueryType QueryType.Invalid "invalid type"
            Expect.isSome j.Reason "reason"
            Expect.equal j.SuggestedQuery (Some "a bakery in ancient Pompeii, 79 CE") "suggestion"
        }

        test "detected figures are cast in unknown scenes" {
            let r = run None "Napoleon crossing the Alps"
            Expect.contains (r.Cast.Characters |> List.map (fun c -> c.Name)) "Napoleon Bonaparte" "Napoleon is there"
            Expect.equal r.Timeline.Location "The Alps" "in the Alps"
        }

        test "a part of the day named in the query is kept" {
            let r = run None "a samurai duel at dawn"
            Expect.equal r.Timeline.TimeOfDay (Some TimeOfDay.Dawn) "dawn"
            Expect.equal r.Timeline.Era (Some "Early Modern") "samurai era"
            Expect.stringContains r.Timeline.Location "Edo" "in Edo"
        }

        test "fantasy queries are fictional and set in a medieval world" {
            let r = run None "a hobbit's birthday party"
            Expect.equal r.Judge.QueryType QueryType.Fictional "fictional"
            Expect.equal r.Timeline.Era (Some "Medieval") "medieval"
        }

        test "dialog lines only come from the given speakers, at most four of them" {
            let r = run None "signing of the declaration"
            let given = r.Cast.Characters |> List.truncate 6
            let d = Answers.dialog "signing of the declaration" r.Timeline r.Scene given
            let allowed = given |> List.truncate 4 |> List.map (fun c -> c.Name)

            for s in DialogData.speakers d do
                Expect.contains allowed s $"{s} was given"

            let only = [ r.Cast.Characters |> List.find (fun c -> c.Name = "John Adams") ]
            let alone = Answers.dialog "signing of the declaration" r.Timeline r.Scene only
            Expect.equal (DialogData.speakers alone) [ "John Adams" ] "only John Adams speaks"
        }

        test "dialog without speakers still has one line" {
            let r = run None "rome 50 BCE"
            let d = Answers.dialog "rome 50 BCE" r.Timeline r.Scene []
            Expect.equal d.Lines.Length 1 "one line"
        }

        test "an anchor keeps the date, the place and the people, ten years older" {
            let first = run None "signing of the declaration"

            let anchor = {
                Point = point 1786 (Some 7) (Some 4)
                Location = first.Timeline.Location
                Characters = first.Cast.Characters
                Setting = Some first.Scene.Setting
                PriorPlot = Some first.Moment.PlotSummary
                Direction = "next"
                Offset = "10 years later"
            }

            let r = run (Some anchor) "signing of the declaration"
            Expect.equal (r.Timeline.Year, r.Timeline.Month, r.Timeline.Day) (1786, Some 7, Some 4) "anchor's date"
            Expect.equal r.Timeline.Location first.Timeline.Location "anchor's place"

            Expect.equal
                (r.Cast.Characters |> List.map (fun c -> c.Name))
                (first.Cast.Characters |> List.map (fun c -> c.Name))
                "same people"

            let hancock = r.Cast.Characters |> List.find (fun c -> c.Name = "John Hancock")
            Expect.equal hancock.AgeDescription (Some "about 49 years old") "aged ten years"
            Expect.stringContains r.Scene.Setting first.Timeline.Location "same place"
            Expect.equal r.Moment.BeforeContext (Some first.Moment.PlotSummary) "follows the prior plot"
            expectValid "anchored" r
        }

        test "offsets in years are read from the navigation wording" {
            Expect.equal (Kit.offsetYears "next" "10 years later") 10 "ten later"
            Expect.equal (Kit.offsetYears "prior" "a decade earlier") -10 "a decade earlier"
            Expect.equal (Kit.offsetYears "next" "1 hour later") 0 "hours are not years"
        }

        test "the camera uses the scene's focal point, tension and cast" {
            let r = run None "assassination of julius caesar"
            Expect.stringContains r.Camera.FocalPoint "Julius Caesar" "focus on Caesar"
            Expect.equal r.Camera.Angle CameraAngle.LowAngle "climactic scenes look up"
            Expect.contains r.Camera.MidgroundElements "Marcus Junius Brutus" "Brutus in the midground"
        }

        test "the graph sets the conspirators against Caesar's side" {
            let r = run None "assassination of julius caesar"
            let factions = r.Graph.Factions |> List.map (fun f -> f.Name)
            Expect.contains factions "Conspirators" "conspirators"
            Expect.contains factions "Caesarians" "Caesarians"

            Expect.isTrue
                (r.Graph.Relationships
                 |> List.exists (fun rel ->
                     rel.FromCharacter = "Julius Caesar"
                     && rel.ToCharacter = "Marcus Junius Brutus"
                     && rel.RelationshipType = RelationshipType.Enemy))
                "Caesar and Brutus are enemies here"
        }

        testPropertyWithConfig
            config
            "for any query every answer returns and decodes, and the card is XML"
            (fun (QueryText q) ->
                let r = run None q
                expectValid $"{q}" r
                let svg, _ = SceneCard.sceneCard (SceneCard.inputOf q r.Timeline r.Cast.Characters)
                System.Xml.XmlDocument().LoadXml(System.Text.Encoding.UTF8.GetString svg))

        testPropertyWithConfig
            config
            "for any query and any jump from the Ides of March, anchored answers decode"
            anchoredAnswersDecode

        test "clipping never splits a surrogate pair" {
            Expect.equal (Text.clip 5 (String.replicate 10 "😀")) "😀😀…" "two whole emoji, then an ellipsis"
        }
    ]
