namespace TimepointFlash.Engines.Offline

/// Suggested temporal alternatives for refused queries.
[<RequireQualifiedAccess>]
module Suggest =
    let private topics = [
        [
            "bread"
            "bake"
            "baking"
            "cake"
            "cook"
            "cooking"
            "recipe"
            "food"
            "pizza"
        ],
        "a bakery in ancient Pompeii, 79 CE"
        [ "love"; "romance"; "heart"; "boyfriend"; "girlfriend"; "marriage"; "wedding" ],
        "Shah Jahan at the completed Taj Mahal, 1653"
        [ "joke"; "jokes"; "funny"; "laugh"; "pun"; "riddle"; "limerick" ], "a court jester at a medieval banquet, 1350"
        [
            "python"
            "code"
            "coding"
            "script"
            "program"
            "programming"
            "software"
            "computer"
            "javascript"
            "sql"
            "algorithm"
            "api"
            "bug"
        ],
        "Ada Lovelace studies Babbage's Analytical Engine, London 1843"
        [ "math"; "maths"; "number"; "numbers"; "equation"; "homework"; "calculate" ],
        "Brahmagupta sets out the rules of zero, 628 CE"
        [
            "money"
            "invest"
            "investing"
            "stock"
            "stocks"
            "crypto"
            "bitcoin"
            "bank"
        ],
        "the first day of the Amsterdam stock exchange, 1602"
        [ "health"; "doctor"; "medicine"; "sick"; "ill"; "disease"; "diet" ],
        "Alexander Fleming notices penicillin, London 1928"
        [ "music"; "song"; "songs"; "lyrics"; "poem"; "poetry" ],
        "the premiere of Beethoven's Ninth Symphony, Vienna 1824"
        [ "phone"; "smartphone"; "iphone"; "app" ], "Steve Jobs introduces the iPhone, 2007"
        [ "space"; "star"; "stars"; "planet"; "universe"; "moon" ], "the Apollo 11 moon landing, 1969"
        [
            "life"
            "meaning"
            "truth"
            "philosophy"
            "existence"
            "consciousness"
            "happiness"
            "free will"
        ],
        "the death of Socrates, Athens 399 BCE"
    ]

    /// A temporal query to offer instead: by topic (bread → a bakery in Pompeii), else a known moment.
    let forQuery (k: Knowledge) (seed: uint32) (q: string) =
        topics
        |> List.tryFind (fun (words, _) -> words |> List.exists (Text.containsPhrase q))
        |> Option.map snd
        |> Option.defaultWith (fun () ->
            let m = Text.pick seed 7 k.Moments
            $"{m.Title}, {Years.display m.Year}")
