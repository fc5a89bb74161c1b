module TimepointFlash.Tests.OfflineMatch

open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Engines.Offline

let private known q =
    (Query.analyse q).Known |> Option.map (fun m -> m.Key)

let private year q =
    Years.extract q |> Option.map (fun g -> g.Year)

let private rejected q =
    match (Query.analyse q).Verdict with
    | Verdict.Rejected r -> Some r
    | Verdict.Accepted _ -> None

let private accepted q =
    match (Query.analyse q).Verdict with
    | Verdict.Accepted t -> Some t
    | Verdict.Rejected _ -> None

/// Text made of words, numbers, accents, capitals, punctuation and runs of spaces.
type WordText = WordText of string

type TextGenerators =
    static member WordText() =
        let piece =
            Gen.elements [
                "rome"
                "Rome"
                "50"
                "bce"
                "of"
                "the"
                "Blücher"
                "ÉLAN"
                "é"
                "a"
                ","
                "!"
                "-"
                "ß"
            ]

        let gap = Gen.elements [ " "; "  "; ""; "\t" ]

        Gen.listOf (Gen.map2 (+) piece gap)
        |> Gen.map (String.concat "")
        |> Gen.map WordText
        |> Arb.fromGen

let private textConfig = {
    FsCheckConfig.defaultConfig with
        maxTest = 500
        arbitrary = [ typeof<TextGenerators> ]
}

/// Property: containsPhrase answers like the padded-substring definition over normalised text.
let containsPhraseIsPaddedSubstring (WordText text) (WordText phrase) =
    let t = Text.normalise text
    let p = Text.normalise phrase
    let expected = p <> "" && (" " + t + " ").Contains(" " + p + " ")
    Text.containsPhrase t phrase = expected && Text.containsPhrase t p = expected

let tests =
    testList "Offline.Match" [
        testList "normalisation" [
            testPropertyWithConfig
                textConfig
                "a phrase is found exactly when its normalised form is a whole-word part of the text"
                containsPhraseIsPaddedSubstring

            test "a phrase is found in the middle, at either end and not inside a word" {
                Expect.isTrue (Text.containsPhrase "the fall of rome 476" "fall of rome") "middle"
                Expect.isTrue (Text.containsPhrase "rome 476" "Rome") "start, phrase normalised"
                Expect.isTrue (Text.containsPhrase "sack of rome" "rome") "end"
                Expect.isFalse (Text.containsPhrase "romeo and juliet" "rome") "not inside a word"
                Expect.isFalse (Text.containsPhrase "rome" "") "the empty phrase is never found"
            }

            test "case, punctuation and diacritics are folded" {
                Expect.equal (Text.normalise "  Kököchü, Blücher & Saburōsuke!! ") "kokochu blucher saburosuke" "folded"
            }
            test "the hash is stable and ignores case and punctuation" {
                Expect.equal (Text.hash "Rome, 50 BCE") (Text.hash "rome 50 bce") "same normalised text, same hash"
                Expect.equal (Text.hash "rome 50 bce") 2528413663u "golden FNV-1a value"
            }
        ]

        testList "years" [
            test "a bare year" { Expect.equal (year "signing in 1776") (Some 1776) "1776" }
            test "50 BCE is -50" { Expect.equal (year "rome 50 BCE") (Some -50) "-50" }
            test "44 BC is -44" { Expect.equal (year "44 BC") (Some -44) "-44" }
            test "B.C. with dots is BCE" { Expect.equal (year "Marathon, 490 B.C.") (Some -490) "-490" }
            test "AD 476 is 476" { Expect.equal (year "AD 476") (Some 476) "476" }
            test "476 CE is 476" { Expect.equal (year "476 CE") (Some 476) "476" }

            test "c. 1500 is approximately 1500" {
                let g = (Years.extract "c. 1500 Venice").Value
                Expect.equal (g.Year, g.Approximate) (1500, true) "approximate 1500"
            }

            test "an ISO date gives year, month and day" {
                let g = (Years.extract "1969-07-20").Value
                Expect.equal (g.Year, g.Month, g.Day, g.Approximate) (1969, Some 7, Some 20, false) "1969-07-20"
            }

            test "a named-month date in BCE" {
                let g = (Years.extract "March 15, 44 BCE").Value
                Expect.equal (g.Year, g.Month, g.Day) (-44, Some 3, Some 15) "Ides of March"
            }

            test "the 1920s is 1925, approximate" {
                let g = (Years.extract "the 1920s in Paris").Value
                Expect.equal (g.Year, g.Approximate) (1925, true) "mid-decade"
            }

            test "3rd century BC is -250, approximate" {
                let g = (Years.extract "3rd century BC").Value
                Expect.equal (g.Year, g.Approximate) (-250, true) "mid-century"
            }

            test "the nineteenth century is 1850" { Expect.equal (year "the nineteenth century") (Some 1850) "1850" }
            test "small numbers are not years" { Expect.equal (year "AlphaGo move 37") None "37 is a move, not a year" }
            test "no year in plain words" { Expect.equal (year "how do I bake bread") None "none" }
            test "year zero is refused" { Expect.equal (year "0 AD") None "year 0 does not exist" }
            test "years beyond the range are refused" { Expect.equal (year "12000 BC") None "out of range" }
            test "eras follow the table" {
                Expect.equal
                    (List.map Years.era [ -5000; -1000; -44; 800; 1776; 1850; 1969; 2016 ])
                    [
                        "Ancient"
                        "Ancient Civilizations"
                        "Classical Antiquity"
                        "Medieval"
                        "Early Modern"
                        "19th Century"
                        "20th Century"
                        "Contemporary"
                    ]
                    "era labels"
            }
        ]

        testList "known moments" [
            test "signing of the declaration is the Declaration of Independence" {
                Expect.equal (known "signing of the declaration") (Some "declaration-of-independence") "matched"
            }
            test "assassination of julius caesar is the Ides of March" {
                Expect.equal (known "assassination of julius caesar") (Some "caesar-assassination") "matched"
            }
            test "moon landing 1969 is Apollo 11" {
                Expect.equal (known "moon landing 1969") (Some "apollo-11-moon-landing") "matched"
            }
            test "AlphaGo move 37 is matched" {
                Expect.equal (known "AlphaGo move 37") (Some "alphago-move-37") "matched"
            }
            test "accents and case do not matter" {
                Expect.equal (known "STORMING of the Bastille!") (Some "storming-of-the-bastille") "matched"
            }
            test "a keyword plus the right year matches" {
                Expect.equal (known "Berlin 1989") (Some "fall-of-the-berlin-wall") "matched"
            }
            test "rome 50 BCE is not Caesar's assassination" { Expect.equal (known "rome 50 BCE") None "unmatched" }
            test "a wrong year vetoes an alias" { Expect.equal (known "the battle of hastings 1500") None "vetoed" }
            test "a lone keyword is below the threshold" { Expect.equal (known "declaration") None "unmatched" }
            test "every moment is found by its own title" {
                for m in (Knowledge.embedded ()).Moments do
                    Expect.equal (known m.Title) (Some m.Key) $"{m.Title}"
            }
        ]

        testList "places and figures" [
            test "rome 50 BCE is an unknown query in Rome, year -50" {
                let a = Query.analyse "rome 50 BCE"
                Expect.equal (a.Place |> Option.map (fun p -> p.Name)) (Some "Rome") "Rome"
                Expect.equal (a.Date |> Option.map (fun d -> d.Year)) (Some -50) "-50"
                Expect.isNone a.Known "not a known moment"
            }
            test "the longest place name wins" {
                Expect.equal
                    (Gazetteer.tryFind "new york 1925" |> Option.map (fun p -> p.Name))
                    (Some "New York")
                    "not York"
            }
            test "the gazetteer holds about 150 places with a region each" {
                Expect.isGreaterThanOrEqual Gazetteer.all.Length 150 "size"

                for p in Gazetteer.all do
                    Expect.isNonEmpty p.Keys $"{p.Name} has keys"
            }
            test "Napoleon and Cleopatra are recognised as figures" {
                let names q =
                    Match.figures q |> List.map (fun (p, _) -> p.Name)

                Expect.equal (names "Napoleon crossing the Alps") [ "Napoleon Bonaparte" ] "Napoleon"
                Expect.equal (names "cleopatra in alexandria") [ "Cleopatra" ] "Cleopatra"
            }
            test "common words are not taken for people" {
                Expect.isEmpty (Match.figures "a mammoth hunt by the lake") "hunt is not John Hunt"
            }
        ]

        testList "screening" [
            test "how do I bake bread is rejected with a reason and a Pompeii suggestion" {
                let r = (rejected "how do I bake bread").Value
                Expect.equal r.Kind RejectKind.HowTo "how-to"
                Expect.isNotEmpty r.Reason "a reason"
                Expect.equal r.Suggestion "a bakery in ancient Pompeii, 79 CE" "bread → Pompeii"
            }
            test "what is love is abstract" {
                Expect.equal
                    (rejected "what is love" |> Option.map (fun r -> r.Kind))
                    (Some RejectKind.Abstract)
                    "abstract"
            }
            test "a python script is technical" {
                Expect.equal
                    (rejected "write me a python script" |> Option.map (fun r -> r.Kind))
                    (Some RejectKind.Technical)
                    "technical"
            }
            test "a joke is entertainment" {
                Expect.equal
                    (rejected "tell me a joke" |> Option.map (fun r -> r.Kind))
                    (Some RejectKind.Entertainment)
                    "joke"
            }
            test "a personal question is personal" {
                Expect.equal
                    (rejected "should i quit my job" |> Option.map (fun r -> r.Kind))
                    (Some RejectKind.Personal)
                    "personal"
            }
            test "an empty query is rejected" {
                Expect.equal (rejected "   " |> Option.map (fun r -> r.Kind)) (Some RejectKind.Empty) "empty"
            }
            test "every rejection suggests a query" {
                for q in [ "asdf qwer"; "what is love"; "how to fix a bike"; "tell me a joke" ] do
                    Expect.isNotEmpty (rejected q).Value.Suggestion $"{q}: suggestion"
            }
            test "what if Rome never fell is speculative" {
                Expect.equal (accepted "what if Rome never fell") (Some QueryType.Speculative) "speculative"
            }
            test "a hobbit's birthday party is fictional" {
                Expect.equal (accepted "a hobbit's birthday party") (Some QueryType.Fictional) "fictional"
            }
            test "AlphaGo move 37 is contemporary" {
                Expect.equal (accepted "AlphaGo move 37") (Some QueryType.Contemporary) "contemporary"
            }
            test "a medieval market is historical" {
                Expect.equal (accepted "a medieval market") (Some QueryType.Historical) "historical"
            }
            test "how people baked bread in Pompeii has a place, so it is accepted" {
                Expect.equal (accepted "how did people bake bread in Pompeii") (Some QueryType.Historical) "anchored"
            }
        ]
    ]
