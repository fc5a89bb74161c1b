module TimepointFlash.Tests.Persistence.Slug

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash

/// Arbitrary query text: ASCII, accented letters, CJK, emoji, punctuation and long runs.
type SlugArbitraries =
    static member Text() =
        let glyphs = [|
            "a"
            "Z"
            "5"
            " "
            " "
            "-"
            "--"
            "é"
            "Ç"
            "ß"
            "中"
            "😀"
            "?"
            "!"
            "'"
            "\t"
            "_"
            "BCE"
            "1776"
        |]

        gen {
            let! n = Gen.choose (0, 80)
            let! parts = Gen.arrayOfLength n (Gen.elements glyphs)
            return String.Concat parts
        }
        |> Arb.fromGen

    static member Year() =
        Gen.oneof [ Gen.choose (-10000, -1); Gen.choose (1, 3000) ]
        |> Gen.map Year
        |> Arb.fromGen

and Year = Year of int

let private config = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<SlugArbitraries> ]
        maxTest = 300
}

let private prop name = testPropertyWithConfig config name

let tests =
    testList "Persistence.Slug" [
        test "a title becomes lower-case words joined by hyphens" {
            Expect.equal (Slug.ofText "Signing of the Declaration" None) "signing-of-the-declaration" "title"
            Expect.equal (Slug.ofText "What's happening? Test!" None) "whats-happening-test" "punctuation"
            Expect.equal (Slug.ofText "Test   Multiple   Spaces" None) "test-multiple-spaces" "spaces"
        }

        test "a positive year is appended" { Expect.equal (Slug.ofText "Rome" (Some 50)) "rome-50" "rome 50" }

        test "a BCE year already in the text is not appended again (B19)" {
            Expect.equal (Slug.ofText "rome 50 BCE" (Some -50)) "rome-50-bce" "no --50"
            Expect.equal (Slug.ofText "Rome 50 BC" (Some -50)) "rome-50-bc" "BC counts"
        }

        test "a BCE year is appended as digits then bce" {
            Expect.equal (Slug.ofText "Ides of March" (Some -44)) "ides-of-march-44-bce" "44 bce"
            Expect.equal (Slug.ofText "rome 50" (Some -50)) "rome-50-bce" "trailing number gains the marker"
        }

        test "a year already in the text is not repeated" {
            Expect.equal (Slug.ofText "Philadelphia 1776" (Some 1776)) "philadelphia-1776" "once"
        }

        test "diacritics are folded to ASCII" {
            Expect.equal (Slug.ofText "Café Münchën Straße" None) "cafe-munchen-strasse" "folded"
        }

        test "a text without letters or digits falls back to timepoint" {
            Expect.equal (Slug.ofText "?!" None) "timepoint" "fallback"
            Expect.equal (Slug.ofText "?!" (Some 1776)) "timepoint-1776" "fallback with year"
            Expect.equal (Slug.ofText "中文" None) "timepoint" "non-Latin"
        }

        test "a long text is cut at a word boundary before the year is appended" {
            let text = String.replicate 30 "word "
            let slug = Slug.ofText text (Some 1969)
            Expect.isLessThanOrEqual slug.Length Slug.maxLength "fits"
            Expect.stringEnds slug "-word-1969" "whole words, then the year"
        }

        test "a suffix keeps the slug within the limit" {
            let long = Slug.ofText (String.replicate 40 "abc ") None
            let s = Slug.withSuffix long "17"
            Expect.isLessThanOrEqual s.Length Slug.maxLength "fits"
            Expect.stringEnds s "-abc-17" "word boundary then suffix"
            Expect.equal (Slug.withSuffix "rome-50-bce" "2") "rome-50-bce-2" "short"
        }

        prop "every slug is [a-z0-9] words joined by single hyphens, 1 to 100 characters"
        <| fun (text: string) (Year y) (withYear: bool) ->
            let slug = Slug.ofText text (if withYear then Some y else None)
            Slug.isValid slug

        prop "a slug with a year names that year"
        <| fun (text: string) (Year y) ->
            let slug = Slug.ofText text (Some y)
            let words = slug.Split '-' |> List.ofArray
            let n = string (abs y)

            if y > 0 then
                List.contains n words
            else
                words
                |> List.pairwise
                |> List.exists (fun (a, b) -> a = n && (b = "bc" || b = "bce"))

        prop "slugging a slug changes nothing"
        <| fun (text: string) ->
            let slug = Slug.ofText text None
            Slug.ofText slug None = slug

        prop "a suffixed slug is valid and ends with the suffix"
        <| fun (text: string) (n: PositiveInt) ->
            let s = Slug.withSuffix (Slug.ofText text None) (string n.Get)
            Slug.isValid s && s.EndsWith $"-{n.Get}"
    ]
