module TimepointFlash.Tests.InteractionsVoices

open System
open System.Net
open System.Text.Json.Nodes
open Expecto
open TimepointFlash
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

let private withApi = Api.withApi

/// Generates a scene on the offline engine and returns its wire JSON.
let generate (api: TestApi) (query: string) = task {
    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" $"""{{"query": "{query}"}}"""
    Expect.equal resp.StatusCode HttpStatusCode.OK "sync 200"
    return! body resp
}

let private items (n: JsonNode) = n.AsArray() |> Seq.toList

let tests =
    testList "interactions voices" [
        test "a character stored before voices existed still decodes, with an empty voice" {
            let old =
                """{"name":"Ada","role":"primary","description":"a mathematician","speaks_in_scene":true}"""

            match Decode.fromString Character.decoder old with
            | Ok c -> Expect.equal c.Voice Voice.empty "no voice"
            | Error e -> failtest (DecodeError.describeAll e)
        }

        test "a death year before the birth year is dropped, not kept" {
            let json =
                """{"name":"Ada","description":"x","birth_year":1815,"death_year":1800,"personality":"curious"}"""

            match Decode.fromString Character.decoder json with
            | Ok c ->
                Expect.equal c.Voice.BirthYear (Some 1815) "birth kept"
                Expect.equal c.Voice.DeathYear None "death dropped"
                Expect.equal c.Voice.Personality (Some "curious") "personality"
            | Error e -> failtest (DecodeError.describeAll e)
        }

        testTask
            "the offline cast of a curated moment has voices, curated life years and a distinct register per speaker" {
            do!
                withApi (fun api -> task {
                    let! t = generate api "assassination of julius caesar"
                    let cast = items (t["characters"]["characters"])
                    let caesar = cast |> List.find (fun c -> str c "name" = "Julius Caesar")
                    Expect.equal (caesar["death_year"].GetValue<int>()) -44 "Caesar died in 44 BCE"
                    Expect.isNotNull caesar["birth_year"] "a birth year"

                    for c in cast do
                        let name = str c "name"

                        for key in [ "personality"; "speaking_style"; "voice_notes"; "emotional_state" ] do
                            Expect.isFalse (String.IsNullOrWhiteSpace(str c key)) $"{name} has {key}"

                    let styles =
                        cast
                        |> List.filter (fun c -> c["speaks_in_scene"].GetValue<bool>())
                        |> List.map (fun c -> str c "speaking_style")

                    Expect.isGreaterThan styles.Length 1 "several speakers"
                    Expect.equal (List.distinct styles).Length styles.Length "each speaker's register is their own"
                })
        }

        testTask "GET characters gives each person a role-play prompt bound to the scene's date and place" {
            do!
                withApi (fun api -> task {
                    let! t = generate api "assassination of julius caesar"
                    let! resp = api.Client.GetAsync $"""/api/v1/timepoints/{str t "id"}/characters"""
                    Expect.equal resp.StatusCode HttpStatusCode.OK "200"
                    let! b = body resp
                    let cast = items (b["characters"])
                    Expect.equal (b["total"].GetValue<int>()) cast.Length "total"
                    let brutus = cast |> List.find (fun c -> str c "name" = "Marcus Junius Brutus")
                    let prompt = str brutus "system_prompt"
                    Expect.stringContains prompt "You are Marcus Junius Brutus" "who"
                    Expect.stringContains prompt "44 BCE" "when"
                    Expect.stringContains prompt "Rome" "where"
                    Expect.stringContains prompt "You know nothing of anything after that moment" "cut-off"
                    Expect.stringContains prompt "Julius Caesar (primary)" "the others present"
                })
        }

        testTask "GET characters is 404 for an unknown timepoint and for a malformed id" {
            do!
                withApi (fun api -> task {
                    let! unknown = api.Client.GetAsync $"/api/v1/timepoints/{Guid.NewGuid()}/characters"
                    Expect.equal unknown.StatusCode HttpStatusCode.NotFound "unknown"
                    let! bad = api.Client.GetAsync "/api/v1/timepoints/not-an-id/characters"
                    Expect.equal bad.StatusCode HttpStatusCode.NotFound "malformed"
                })
        }
    ]
