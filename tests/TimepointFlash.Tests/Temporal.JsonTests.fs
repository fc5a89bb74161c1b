module TimepointFlash.Tests.TemporalJsonTests

open System.Text.Json.Nodes
open Expecto
open TimepointFlash
open TimepointFlash.Tests.TemporalGenerators

let private ok r =
    match r with
    | Ok v -> v
    | Error e -> failtestf "unexpected error %A" e

let private parseObject (json: string) = JsonNode.Parse(json).AsObject()

let tests =
    testList "Json" [
        test "golden JSON of a dated afternoon" {
            let p = {
                ok (Temporal.ymd -44 3 15) with
                    TimeOfDay = Some TimeOfDay.Afternoon
                    Era = Some "Classical Antiquity"
            }

            Expect.equal
                ((Temporal.toJson p).ToJsonString())
                """{"year":-44,"month":3,"day":15,"hour":null,"minute":null,"second":null,"season":"spring","time_of_day":"afternoon","era":"Classical Antiquity","hemisphere":null,"calendar":"historical"}"""
                "wire form"
        }

        test "golden JSON writes autumn as fall and a southern hemisphere" {
            let p =
                {
                    ok (Temporal.ymdhms 2000 4 1 6 5 4) with
                        Hemisphere = Some Hemisphere.Southern
                }
                |> Temporal.normalize
                |> ok

            Expect.equal
                ((Temporal.toJson p).ToJsonString())
                """{"year":2000,"month":4,"day":1,"hour":6,"minute":5,"second":4,"season":"fall","time_of_day":"dawn","era":null,"hemisphere":"southern","calendar":"historical"}"""
                "wire form"
        }

        test "decoding accepts autumn, absent keys and any case, and defaults the calendar" {
            let p =
                Temporal.ofJson (parseObject """{"year": 1776, "month": 10, "season": "Autumn", "extra": 1}""")

            Expect.equal
                p
                (Ok {
                    ok (Temporal.ym 1776 10) with
                        Season = Some Season.Fall
                })
                "decoded"
        }

        test "decoding reports missing and malformed fields and validates" {
            let decode json = Temporal.ofJson (parseObject json)
            Expect.equal (decode "{}") (Error(TemporalError.InvalidField("year", "is required"))) "no year"

            Expect.equal
                (decode """{"year": "1776"}""")
                (Error(TemporalError.InvalidField("year", "must be an integer")))
                "string year"

            Expect.equal
                (decode """{"year": 1776.5}""")
                (Error(TemporalError.InvalidField("year", "must be an integer")))
                "fraction"

            Expect.equal
                (decode """{"year": 99999999999}""")
                (Error(TemporalError.InvalidField("year", "must be an integer")))
                "too big"

            Expect.equal
                (decode """{"year": [1]}""")
                (Error(TemporalError.InvalidField("year", "must be an integer")))
                "array"

            Expect.equal
                (decode """{"year": 1776, "season": 3}""")
                (Error(TemporalError.InvalidField("season", "must be a string")))
                "number season"

            Expect.equal
                (decode """{"year": 1776, "season": "monsoon"}""")
                (Error(TemporalError.UnknownName("season", "monsoon")))
                "unknown season"

            Expect.equal
                (decode """{"year": 1776, "calendar": "mayan"}""")
                (Error(TemporalError.UnknownName("calendar", "mayan")))
                "unknown calendar"

            Expect.equal (decode """{"year": 0}""") (Error TemporalError.YearZero) "year 0"

            Expect.equal
                (decode """{"year": 1776, "day": 4}""")
                (Error(TemporalError.MissingComponent("day", "month")))
                "gap"

            Expect.equal (Temporal.ofJson null) (Error(TemporalError.InvalidField("$", "must be a JSON object"))) "null"
        }

        test "encode writes every key" {
            let o = Temporal.toJson (ok (Temporal.create 1))
            Expect.equal (o |> Seq.map (fun kv -> kv.Key) |> List.ofSeq) TemporalJson.keys "keys in order"
        }

        property "the JSON round trip is the identity, also through text" (fun (AnyPoint p) ->
            let o = Temporal.toJson p

            Temporal.ofJson o = Ok p
            && Temporal.ofJson (parseObject (o.ToJsonString())) = Ok p)
    ]
