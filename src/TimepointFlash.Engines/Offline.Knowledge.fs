namespace TimepointFlash.Engines.Offline

open System.IO
open System.Reflection
open FsToolkit.ErrorHandling
open TimepointFlash

/// A real person present at a curated moment.
type Participant = {
    Name: string
    Role: CharacterRole
    Description: string
    Clothing: string
    Action: string
    Speaks: bool
    Age: int option
    Faction: string option
    /// True for a person history did not name (described by role, e.g. "Salt-pan worker of Dandi").
    Anonymous: bool
    /// Birth year when curated; otherwise the moment's year less the age.
    Born: int option
    /// Death year when curated.
    Died: int option
    /// True when the person dies at the moment itself (absent from any later scene).
    DiesHere: bool
}

/// A short, paraphrased line a participant says at a curated moment.
type CuratedLine = {
    Speaker: string
    Text: string
    Tone: string option
}

/// What a curated moment's place looks like, overriding the era profile where it does not fit (a 1903 dune is
/// not a 1960s city). Every field is optional.
type Scenery = {
    /// The kind of place the scene card draws: dunes, forum, harbour, hall, battlefield, street, countryside.
    Kind: string option
    Architecture: string option
    Light: string option
    Furniture: string list
    Palette: string list
    Hues: string list
    Sounds: string list
    Smells: string list
    Dress: string list
}

/// A well-known moment the offline engine knows in detail.
type KnownMoment = {
    Key: string
    Title: string
    Aliases: string list
    Keywords: string list
    Year: int
    Month: int option
    Day: int option
    Hour: int option
    TimeOfDay: string option
    Place: string
    Region: string
    Continent: string
    Era: string
    Southern: bool
    Tension: string
    Context: string
    Participants: Participant list
    Lines: CuratedLine list
    Plot: string
    Stakes: string
    Significance: string
    /// What followed the moment (distinct from its significance), when curated.
    After: string option
    Objects: string list
    /// Pairs of factions that oppose each other; factions not paired here are not rivals.
    Opposed: (string * string) list
    Scenery: Scenery option
}

/// What a period and broad region looked, sounded and smelled like; Region "*" is the era's fallback.
type Profile = {
    Era: string
    Region: string
    Backdrop: string
    DefaultPlace: string
    Dress: string list
    Architecture: string
    Light: string
    Objects: string list
    Furniture: string list
    Palette: string list
    Hues: string list
    Sounds: string list
    Smells: string list
    Bystanders: string list
    Names: string list
    Sayings: string list
    /// First and last year the profile is for, when it covers only part of its era.
    From: int option
    To: int option
}

/// Everything the offline engine knows.
type Knowledge = {
    Moments: KnownMoment list
    Profiles: Profile list
}

/// Why the embedded knowledge could not be read.
[<RequireQualifiedAccess>]
type KnowledgeError =
    | MissingResource of name: string
    | Invalid of resource: string * errors: DecodeError list

[<RequireQualifiedAccess>]
module Knowledge =
    let private strings name = Decode.listOrEmpty name Decode.nonBlank

    let private participant: Decoder<Participant> =
        fun path el -> validation {
            let! name = Decode.field "name" Decode.nonBlank path el
            and! role = Decode.field "role" CharacterRole.decoder path el
            and! description = Decode.field "description" Decode.nonBlank path el
            and! clothing = Decode.field "clothing" Decode.nonBlank path el
            and! action = Decode.field "action" Decode.nonBlank path el
            and! speaks = Decode.withDefault "speaks" false Decode.bool path el
            and! age = Decode.optional "age" (Decode.intRange 0 120) path el
            and! faction = Decode.text "faction" path el
            and! anonymous = Decode.withDefault "anonymous" false Decode.bool path el
            and! born = Decode.optional "born" Decode.int path el
            and! died = Decode.optional "died" Decode.int path el
            and! diesHere = Decode.withDefault "dies_here" false Decode.bool path el

            return {
                Name = name
                Role = role
                Description = description
                Clothing = clothing
                Action = action
                Speaks = speaks
                Age = age
                Faction = faction
                Anonymous = anonymous
                Born = born
                Died = died
                DiesHere = diesHere
            }
        }

    let private line: Decoder<CuratedLine> =
        fun path el -> validation {
            let! speaker = Decode.field "speaker" Decode.nonBlank path el
            and! text = Decode.field "text" Decode.nonBlank path el
            and! tone = Decode.text "tone" path el

            return {
                Speaker = speaker
                Text = text
                Tone = tone
            }
        }

    let private scenery: Decoder<Scenery> =
        fun path el -> validation {
            let! kind = Decode.text "kind" path el
            and! architecture = Decode.text "architecture" path el
            and! light = Decode.text "light" path el
            and! furniture = strings "furniture" path el
            and! palette = strings "palette" path el
            and! hues = strings "hues" path el
            and! sounds = strings "sounds" path el
            and! smells = strings "smells" path el
            and! dress = strings "dress" path el

            return {
                Kind = kind
                Architecture = architecture
                Light = light
                Furniture = furniture
                Palette = palette
                Hues = hues
                Sounds = sounds
                Smells = smells
                Dress = dress
            }
        }

    let private pair: Decoder<string * string> =
        Decode.list Decode.nonBlank
        |> Decode.check (fun xs ->
            if List.length xs = 2 then
                None
            else
                Some "must name exactly two factions")
        |> Decode.map (fun xs -> xs[0], xs[1])

    let private yearCheck y =
        if y = 0 || y < -10000 || y > 3000 then
            Some $"year must be non-zero and within -10000..3000, got {y}"
        else
            None

    let private moment: Decoder<KnownMoment> =
        fun path el -> validation {
            let! key = Decode.field "key" Decode.nonBlank path el
            and! title = Decode.field "title" Decode.nonBlank path el
            and! aliases = strings "aliases" path el
            and! keywords = strings "keywords" path el
            and! year = Decode.field "year" (Decode.int |> Decode.check yearCheck) path el
            and! month = Decode.optional "month" (Decode.intRange 1 12) path el
            and! day = Decode.optional "day" (Decode.intRange 1 31) path el
            and! hour = Decode.optional "hour" (Decode.intRange 0 23) path el
            and! timeOfDay = Decode.text "time_of_day" path el
            and! place = Decode.field "place" Decode.nonBlank path el
            and! region = Decode.field "region" Decode.nonBlank path el
            and! continent = Decode.field "continent" Decode.nonBlank path el
            and! era = Decode.field "era" Decode.nonBlank path el
            and! hemisphere = Decode.text "hemisphere" path el
            and! tension = Decode.textOr "tension" "high" path el
            and! context = Decode.field "context" Decode.nonBlank path el
            and! participants = Decode.field "participants" (Decode.list participant) path el
            and! lines = Decode.field "lines" (Decode.list line) path el
            and! plot = Decode.field "plot" Decode.nonBlank path el
            and! stakes = Decode.field "stakes" Decode.nonBlank path el
            and! significance = Decode.field "significance" Decode.nonBlank path el
            and! objects = strings "objects" path el
            and! after = Decode.text "after" path el
            and! opposed = Decode.listOrEmpty "opposed" pair path el
            and! scenery = Decode.optional "scenery" scenery path el

            return {
                Key = key
                Title = title
                Aliases = aliases
                Keywords = keywords
                Year = year
                Month = month
                Day = month |> Option.bind (fun _ -> day)
                Hour = day |> Option.bind (fun _ -> hour)
                TimeOfDay = timeOfDay
                Place = place
                Region = region
                Continent = continent
                Era = era
                Southern = (hemisphere = Some "southern")
                Tension = tension
                Context = context
                Participants = participants
                Lines = lines
                Plot = plot
                Stakes = stakes
                Significance = significance
                After = after
                Objects = objects
                Opposed = opposed
                Scenery = scenery
            }
        }

    let private profile: Decoder<Profile> =
        fun path el -> validation {
            let! era = Decode.field "era" Decode.nonBlank path el
            and! region = Decode.field "region" Decode.nonBlank path el
            and! backdrop = Decode.field "backdrop" Decode.nonBlank path el
            and! defaultPlace = Decode.field "default_place" Decode.nonBlank path el
            and! dress = strings "dress" path el
            and! architecture = Decode.field "architecture" Decode.nonBlank path el
            and! light = Decode.field "light" Decode.nonBlank path el
            and! objects = strings "objects" path el
            and! furniture = strings "furniture" path el
            and! palette = strings "palette" path el
            and! hues = strings "hues" path el
            and! sounds = strings "sounds" path el
            and! smells = strings "smells" path el
            and! bystanders = strings "bystanders" path el
            and! names = strings "names" path el
            and! sayings = strings "sayings" path el
            and! from = Decode.optional "from" Decode.int path el
            and! until = Decode.optional "to" Decode.int path el

            return {
                Era = era
                Region = region
                Backdrop = backdrop
                DefaultPlace = defaultPlace
                Dress = dress
                Architecture = architecture
                Light = light
                Objects = objects
                Furniture = furniture
                Palette = palette
                Hues = hues
                Sounds = sounds
                Smells = smells
                Bystanders = bystanders
                Names = names
                Sayings = sayings
                From = from
                To = until
            }
        }

    /// Decoder of the moments file: { "moments": [...] }.
    let momentsDecoder: Decoder<KnownMoment list> =
        Decode.field "moments" (Decode.list moment)

    /// Decoder of the profiles file: { "profiles": [...] }.
    let profilesDecoder: Decoder<Profile list> =
        Decode.field "profiles" (Decode.list profile)

    let private resourceText (name: string) =
        let assembly = Assembly.GetExecutingAssembly()

        match Option.ofObj (assembly.GetManifestResourceStream name) with
        | None -> Error(KnowledgeError.MissingResource name)
        | Some stream ->
            use reader = new StreamReader(stream)
            Ok(reader.ReadToEnd())

    let private decodeResource name decoder =
        resourceText name
        |> Result.bind (fun text ->
            Decode.fromString decoder text
            |> Result.mapError (fun errors -> KnowledgeError.Invalid(name, errors)))

    /// Logical name of the embedded moments file.
    let momentsResource = "TimepointFlash.Engines.Data.moments.json"

    /// Logical name of the embedded profiles file.
    let profilesResource = "TimepointFlash.Engines.Data.profiles.json"

    /// Reads the data files embedded in this assembly.
    let load () : Result<Knowledge, KnowledgeError> = result {
        let! moments = decodeResource momentsResource momentsDecoder
        let! profiles = decodeResource profilesResource profilesDecoder

        return {
            Moments = moments
            Profiles = profiles
        }
    }

    /// Describes a load failure for people.
    let describeError =
        function
        | KnowledgeError.MissingResource name -> $"embedded resource {name} is missing"
        | KnowledgeError.Invalid(name, errors) ->
            $"embedded resource {name} is invalid:\n{DecodeError.describeAll errors}"

    let private cached =
        lazy
            (match load () with
             | Ok k -> k
             | Error e -> invalidOp (describeError e))

    /// The shipped knowledge, read once. The files are part of the build and tested, so a failure here is a
    /// packaging defect and raises.
    let embedded () = cached.Force()

    /// A curated participant's birth year: curated, else the moment's year less the age.
    let born (m: KnownMoment) (p: Participant) =
        p.Born |> Option.orElse (p.Age |> Option.map (fun a -> m.Year - a))

    /// True when a curated participant is alive in a year (unknown birth or death counts as alive).
    let aliveIn (year: int) (m: KnownMoment) (p: Participant) =
        (born m p |> Option.forall (fun b -> b <= year))
        && (p.Died |> Option.forall (fun d -> year <= d))

    /// True when two factions of a moment are curated as opposed.
    let opposed (m: KnownMoment) (a: string) (b: string) =
        m.Opposed |> List.exists (fun (x, y) -> (x = a && y = b) || (x = b && y = a))

    /// The moment with this key.
    let tryFind (key: string) (k: Knowledge) =
        k.Moments |> List.tryFind (fun m -> m.Key = key)
