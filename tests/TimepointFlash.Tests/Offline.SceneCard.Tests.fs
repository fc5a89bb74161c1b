module TimepointFlash.Tests.OfflineSceneCard

open System.Text
open System.Xml
open Expecto
open TimepointFlash
open TimepointFlash.Engines.Offline

let private card (query: string) =
    let j = Answers.judge query
    let t = Answers.timeline query j None
    let s = Answers.scene query t None
    let c = Answers.characters query j t s None
    SceneCard.sceneCard (SceneCard.inputOf query t c.Characters)

let private parse (bytes: byte[]) =
    let doc = XmlDocument()
    doc.LoadXml(Encoding.UTF8.GetString bytes)
    doc

let tests =
    testList "Offline.SceneCard" [
        test "the card is a well-formed 1024×576 SVG" {
            let bytes, mime = card "signing of the declaration"
            Expect.equal mime "image/svg+xml" "mime"
            let doc = parse bytes
            Expect.equal doc.DocumentElement.LocalName "svg" "root is svg"
            Expect.equal (doc.DocumentElement.GetAttribute "width") "1024" "width"
            Expect.equal (doc.DocumentElement.GetAttribute "height") "576" "height"
            Expect.stringContains doc.DocumentElement.InnerText "July 4, 1776 CE" "date line"
            Expect.stringContains doc.DocumentElement.InnerText "Philadelphia" "place"
            Expect.stringContains doc.DocumentElement.InnerText "Early Modern" "era"
        }

        test "one silhouette per character, up to the card's slots" {
            let doc = parse (fst (card "assassination of julius caesar"))

            let figures =
                doc.GetElementsByTagName "g"
                |> Seq.cast<System.Xml.XmlElement>
                |> Seq.filter (fun g -> g.GetAttribute "class" = "figure")

            Expect.equal (Seq.length figures) 6 "six participants, six figures"
        }

        test "a query with markup is rendered as text, never as markup" {
            let query = "<script>alert('x')</script> & rome 50 BCE"
            let bytes, _ = card query
            let text = Encoding.UTF8.GetString bytes
            Expect.isFalse (text.Contains "<script") "no script element"
            Expect.stringContains text "&lt;script&gt;" "escaped"
            let doc = parse bytes
            Expect.equal (doc.GetElementsByTagName "script").Count 0 "no script node"
            Expect.stringContains doc.DocumentElement.InnerText "<script>" "shown as text"
        }

        test "control characters and lone surrogates are dropped, not emitted" {
            let input = {
                Title = "bad \u0001 text " + string (char 0xD800) + " here"
                DateLine = "44 BCE"
                Location = "Rome\u0000"
                Year = -44
                Era = None
                Region = None
                TimeOfDay = None
                Characters = [ "A \u0002", CharacterRole.Primary ]
            }

            let doc = parse (fst (SceneCard.sceneCard input))
            Expect.stringContains doc.DocumentElement.InnerText "bad  text  here" "cleaned title"
        }

        test "the same input renders the same bytes" {
            Expect.equal (card "moon landing 1969") (card "moon landing 1969") "deterministic"
        }

        test "night and midday cards use different skies" {
            let at time =
                let input = {
                    Title = "t"
                    DateLine = "d"
                    Location = "Rome"
                    Year = -44
                    Era = None
                    Region = Some "Europe"
                    TimeOfDay = Some time
                    Characters = []
                }

                Encoding.UTF8.GetString(fst (SceneCard.sceneCard input))

            Expect.notEqual (at TimeOfDay.Night) (at TimeOfDay.Midday) "sky differs"
            Expect.stringContains (at TimeOfDay.Night) "#0b1026" "night sky colour"
        }
    ]
