module TimepointFlash.Tests.OfflineHistory

open System
open System.Threading
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Engines.Offline
open TimepointFlash.Tests.Support

let private k = Knowledge.embedded ()
let private now = DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)

/// Generates a scene with the offline engine through the real pipeline, as a stored timepoint.
let generate (query: string) (continuity: Continuity option) : Timepoint =
    let deps = ScriptedLlm.deps OfflineEngine.llm (ResizeArray())

    let request = {
        Query = query
        GenerateImage = false
        Continuity = continuity
    }

    let r = (Pipeline.run deps request CancellationToken.None).Result
    let t = Timepoint.pending (Guid.NewGuid()) query "slug" false now
    PipelineResult.applyTo continuity now r t

/// The scene navigated from a source by a number of units.
let navigate (source: Timepoint) (direction: Direction) (units: int) (unit: TimeUnit) =
    match Navigation.plan source direction units unit with
    | Ok c -> generate (Navigation.query source c) (Some c)
    | Error e -> failtestf "navigation from %s failed: %A" source.Query e

let private steps = [
    Direction.Next, 1, TimeUnit.Day
    Direction.Prior, 1, TimeUnit.Day
    Direction.Next, 1, TimeUnit.Year
    Direction.Prior, 1, TimeUnit.Year
    Direction.Next, 10, TimeUnit.Year
    Direction.Prior, 10, TimeUnit.Year
]

let private describe (findings: Finding list) =
    findings |> List.map Finding.describe |> String.concat "\n  "

let private timelineOf (q: string) =
    Answers.timeline q (Answers.judge q) None

let private castNames (t: Timepoint) =
    t.Characters
    |> Option.map (fun c -> c.Characters |> List.map (fun x -> x.Name))
    |> Option.defaultValue []

let tests =
    testList "Offline.History" [
        test "the Wright brothers' scene is dunes in 1903, not a 1960s city" {
            let t = generate "wright brothers first flight 1903" None
            let scene = t.Scene.Value
            let text = SceneText.fields t |> List.map snd |> String.concat " "

            for word in [ "skyscraper"; "fluorescent"; "Teletype"; "chrome"; "launch complex" ] do
                Expect.isFalse (text.Contains word) word

            Expect.stringContains (scene.Architecture |> Option.defaultValue "") "sand dunes" "curated scenery"

            let card = SceneCard.placeKind t.Query (t.Location |> Option.defaultValue "") 1903

            Expect.equal card "dunes" "the card draws dunes"
        }
        test "the scene card draws the setting's kind of place" {
            let kind location year = SceneCard.placeKind "" location year
            Expect.equal (kind "The Forum Romanum, Rome" -44) "forum" "forum"
            Expect.equal (kind "Griffin's Wharf, Boston Harbor" 1773) "harbour" "harbour"
            Expect.equal (kind "Old St. Peter's Basilica, Rome" 800) "hall" "hall"
            Expect.equal (kind "Plain of Marathon, Attica" -490) "battlefield" "battlefield"
            Expect.equal (kind "Main street, Springfield" 1950) "street" "street"
            Expect.equal (kind "Somewhere" 1200) "countryside" "countryside before 1800"
        }
        test "relationships come from curated roles: the Wrights' witnesses are not rivals, Caesar's killers are" {
            let graphOf q =
                (generate q None).Graph.Value.Relationships
                |> List.map (fun r -> (r.FromCharacter, r.ToCharacter), r.RelationshipType)
                |> Map.ofList

            let wright = graphOf "wright brothers first flight 1903"

            Expect.isNone
                (wright.TryFind("Orville Wright", "John T. Daniels"))
                "no invented rivalry, and the neutral pair pruned"

            Expect.equal wright[("Orville Wright", "Wilbur Wright")] RelationshipType.Ally "brothers"

            let caesar = graphOf "assassination of julius caesar"
            Expect.equal caesar[("Julius Caesar", "Marcus Junius Brutus")] RelationshipType.Enemy "curated opposition"
        }
        test "before, after and significance are distinct" {
            for m in k.Moments do
                let moment = (generate $"{m.Title} {Years.display m.Year}" None).Moment.Value

                let parts =
                    [ moment.BeforeContext; moment.AfterContext; moment.HistoricalSignificance ]
                    |> List.choose id

                Expect.equal (List.distinct parts) parts m.Key
        }
        test "figures appear only within their lifetimes, and the scene says who is missing" {
            let caesar = generate "assassination of julius caesar" None
            let dayAfter = navigate caesar Direction.Next 1 TimeUnit.Day
            let yearAfter = navigate caesar Direction.Next 1 TimeUnit.Year
            Expect.contains (castNames caesar) "Julius Caesar" "present at the moment"
            Expect.isFalse (List.contains "Julius Caesar" (castNames dayAfter)) "gone the day after"
            Expect.isFalse (List.contains "Julius Caesar" (castNames yearAfter)) "gone a year later"
            Expect.contains (castNames yearAfter) "Marcus Junius Brutus" "Brutus lives until 42 BCE"

            Expect.stringContains
                (yearAfter.Characters.Value.GroupDynamics |> Option.defaultValue "")
                "Julius Caesar died"
                "says so"

            let wright = generate "wright brothers first flight 1903" None
            let later = navigate wright Direction.Next 10 TimeUnit.Year
            Expect.isFalse (List.contains "Wilbur Wright" (castNames later)) "Wilbur died in 1912"
            Expect.contains (castNames later) "Orville Wright" "Orville lived to 1948"
        }
        test "every date part the query states is honoured, and none is invented" {
            let cape = timelineOf "cape town 1652 july"
            Expect.equal (cape.Year, cape.Month, cape.Day, cape.Hour) (1652, Some 7, None, None) "cape town"

            let ba = timelineOf "founding of buenos aires 1580 june"
            Expect.equal (ba.Year, ba.Month) (1580, Some 6) "buenos aires"

            let ny = timelineOf "new york city, 3 pm on 4 july 1976"
            Expect.equal (ny.Year, ny.Month, ny.Day, ny.Hour) (1976, Some 7, Some 4, Some 15) "new york"

            let bare = timelineOf "a market in lisbon 1620"
            Expect.equal (bare.Month, bare.Day, bare.Hour) (None, None, None) "nothing invented"

            let curated = timelineOf "wright brothers first flight 1903"
            Expect.equal (curated.Month, curated.Day, curated.Hour) (Some 12, Some 17, Some 10) "curated date"

            let stated = timelineOf "wright brothers first flight june 1903"
            Expect.equal stated.Month (Some 6) "a stated month wins over the curated one"
            Expect.equal stated.Day None "and no curated day is kept against it"
        }
        test "every curated moment, and navigation ±1 day, ±1 year and ±10 years from it, has zero findings" {
            let problems = [
                for m in k.Moments do
                    let source = generate $"{m.Title} {Years.display m.Year}" None

                    if not (Timepoint.isComplete source) then
                        yield $"{m.Key}: not completed ({source.Error})"
                    else
                        match Anachronisms.scanScene source with
                        | [] -> ()
                        | fs -> yield $"{m.Key}:\n  {describe fs}"

                        for direction, units, unit in steps do
                            let target = navigate source direction units unit

                            let label =
                                $"{m.Key} {Navigation.directionName direction} {units} {TimeUnit.name unit}"

                            match Anachronisms.scanScene target with
                            | [] -> ()
                            | fs -> yield $"{label}:\n  {describe fs}"
            ]

            Expect.isEmpty problems (String.concat "\n" problems)
        }
    ]
