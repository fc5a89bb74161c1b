module TimepointFlash.Tests.OfflineKnowledge

open Expecto
open TimepointFlash
open TimepointFlash.Engines.Offline

let private k = Knowledge.embedded ()

let tests =
    testList "Offline.Knowledge" [
        test "the embedded data files load without errors" {
            match Knowledge.load () with
            | Ok loaded -> Expect.isNonEmpty loaded.Moments "moments were read"
            | Error e -> failtest (Knowledge.describeError e)
        }

        test "a malformed moments file is reported with the failing paths" {
            let bad =
                """{ "moments": [ { "key": "x", "title": "X", "year": 0, "place": "P" } ] }"""

            match Decode.fromString Knowledge.momentsDecoder bad with
            | Ok _ -> failtest "year 0 and missing fields must not load"
            | Error errors ->
                let paths = errors |> List.map (fun e -> e.Path)
                Expect.contains paths "moments[0].year" "year 0 is refused"
                Expect.contains paths "moments[0].participants" "participants are required"
        }

        test "there are at least 60 moments with unique keys" {
            Expect.isGreaterThanOrEqual k.Moments.Length 60 "at least 60 moments"
            let keys = k.Moments |> List.map (fun m -> m.Key)
            Expect.equal (List.distinct keys) keys "keys are unique"
        }

        test "moments span at least five continents and every era from the ancient world to today" {
            let continents = k.Moments |> List.map (fun m -> m.Continent) |> List.distinct
            Expect.isGreaterThanOrEqual continents.Length 5 $"continents: {continents}"

            for era in
                [
                    "Ancient Civilizations"
                    "Classical Antiquity"
                    "Medieval"
                    "Early Modern"
                    "19th Century"
                    "20th Century"
                    "Contemporary"
                ] do
                Expect.isTrue (k.Moments |> List.exists (fun m -> m.Era = era)) $"some moment in {era}"
        }

        test "every moment's era agrees with its year" {
            for m in k.Moments do
                Expect.equal m.Era (Years.era m.Year) $"{m.Key}: era of {m.Year}"
        }

        test "every moment has 3 to 8 distinct participants and 2 to 6 lines" {
            for m in k.Moments do
                let names = m.Participants |> List.map (fun p -> p.Name) |> List.distinct
                Expect.equal names.Length m.Participants.Length $"{m.Key}: participant names are unique"
                Expect.isTrue (names.Length >= 3 && names.Length <= 8) $"{m.Key}: {names.Length} participants"
                Expect.isTrue (m.Lines.Length >= 2 && m.Lines.Length <= 6) $"{m.Key}: {m.Lines.Length} lines"

                Expect.isTrue
                    (m.Participants |> List.exists (fun p -> p.Role = CharacterRole.Primary))
                    $"{m.Key}: has a primary participant"
        }

        test "every curated line is spoken by a participant who speaks" {
            for m in k.Moments do
                for l in m.Lines do
                    match m.Participants |> List.tryFind (fun p -> p.Name = l.Speaker) with
                    | Some p -> Expect.isTrue p.Speaks $"{m.Key}: {l.Speaker} is marked as speaking"
                    | None -> failtest $"{m.Key}: {l.Speaker} is not a participant"
        }

        test "curated lines are short paraphrases, not long quotations" {
            for m in k.Moments do
                for l in m.Lines do
                    Expect.isLessThanOrEqual l.Text.Length 160 $"{m.Key}: line of {l.Speaker} is short"
        }

        test "every era and region used by a moment has a profile, and every era has a fallback" {
            for m in k.Moments do
                Expect.isTrue
                    (k.Profiles |> List.exists (fun p -> p.Era = m.Era && p.Region = m.Region))
                    $"profile for {m.Era} / {m.Region}"

            for era in Years.eras do
                Expect.isTrue
                    (k.Profiles |> List.exists (fun p -> p.Era = era && p.Region = "*"))
                    $"fallback profile for {era}"
        }

        test "profiles carry dress, objects, names, sayings and three hex hues" {
            for p in k.Profiles do
                let label = $"{p.Era} / {p.Region}"
                Expect.isNonEmpty p.Dress $"{label}: dress"
                Expect.isNonEmpty p.Objects $"{label}: objects"
                Expect.isGreaterThanOrEqual p.Names.Length 6 $"{label}: names"
                Expect.isNonEmpty p.Sayings $"{label}: sayings"
                Expect.isNonEmpty p.Bystanders $"{label}: bystanders"
                Expect.equal p.Hues.Length 3 $"{label}: hues"

                for h in p.Hues do
                    Expect.isMatch h "^#[0-9a-fA-F]{6}$" $"{label}: hue {h}"
        }

        test "the required well-known moments are present" {
            for key in
                [
                    "declaration-of-independence"
                    "caesar-assassination"
                    "apollo-11-moon-landing"
                    "fall-of-the-berlin-wall"
                    "storming-of-the-bastille"
                    "magna-carta"
                    "charlemagne-coronation"
                    "battle-of-hastings"
                    "gutenberg-bible"
                    "columbus-landfall"
                    "wright-brothers-flight"
                    "d-day"
                    "alphago-move-37"
                    "bi-sheng-movable-type"
                    "brahmagupta-zero"
                    "mansa-musa-cairo"
                    "great-pyramid"
                    "battle-of-marathon"
                    "gaugamela"
                ] do
                Expect.isSome (Knowledge.tryFind key k) $"{key} is in the data"
        }

        test "the declaration names its signers and its secretary" {
            let m = (Knowledge.tryFind "declaration-of-independence" k).Value
            let names = m.Participants |> List.map (fun p -> p.Name)

            for n in
                [
                    "John Hancock"
                    "Thomas Jefferson"
                    "John Adams"
                    "Benjamin Franklin"
                    "Charles Thomson"
                ] do
                Expect.contains names n $"{n} is present"

            Expect.equal (m.Year, m.Month, m.Day) (1776, Some 7, Some 4) "July 4, 1776"
            Expect.stringContains m.Place "Philadelphia" "in Philadelphia"
        }
    ]
