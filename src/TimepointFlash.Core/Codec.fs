namespace TimepointFlash

open System
open System.Text.Json
open System.Text.Json.Nodes

/// A JSON schema subset that both Gemini's responseSchema and OpenAI's json_schema can express.
[<RequireQualifiedAccess>]
type Schema =
    | String of description: string option
    | Enum of values: string list
    | Integer of min: int option * max: int option
    | Number of min: float option * max: float option
    | Boolean
    | Array of items: Schema * maxItems: int option
    | Object of properties: (string * Schema) list * required: string list
    | Nullable of Schema

/// What a string in an agent's output holds, which decides whether the anachronism check reads it.
[<RequireQualifiedAccess>]
type TextKind =
    /// Describes the scene at its own date (what is there, said or done): checked for anachronisms.
    | Prose
    /// A name, label or short identifier (a person, a style, a tag).
    | Label
    /// Speaks from the present about what came later (consequences, significance, accuracy notes).
    | Hindsight
    /// Guidance to a writer or a model (what to avoid, how to speak), which may name later things on purpose.
    | Guidance
    /// A word of a closed vocabulary.
    | Vocabulary

/// One string inside an output value: its path below the value ("" for the value itself), kind and text.
type TextLeaf = {
    Path: string
    Kind: TextKind
    Text: string
}

/// One definition of a JSON value: the schema a model is asked to follow, the lenient decoder of its answer, the
/// strict encoder of the stored and wire form, and the strings a value holds.
type Codec<'T> = {
    Schema: Schema
    Decoder: Decoder<'T>
    Encode: 'T -> JsonNode
    Strings: 'T -> TextLeaf list
}

/// One property of an object codec, as the encoder, the schema and the string walk see it.
type Property<'R> = {
    Name: string
    /// None for a property the encoder adds but the model is not asked for (derived from other fields).
    Schema: Schema option
    Asked: bool
    Encode: 'R -> JsonNode
    Strings: 'R -> TextLeaf list
}

/// An object codec being built: its properties so far (last first) and the decoder of the partial constructor.
type Fields<'R, 'F> = {
    Properties: Property<'R> list
    Decode: Decoder<'F>
}

/// Codec combinators: primitives, vocabularies, lists and objects built field by field.
[<RequireQualifiedAccess>]
module Codec =
    let private leaf kind (s: string) = [ { Path = ""; Kind = kind; Text = s } ]
    let private noStrings _ = []

    /// Trimmed, non-blank text of a kind.
    let text (kind: TextKind) : Codec<string> = {
        Schema = Schema.String None
        Decoder = Decode.nonBlank
        Encode = Encode.string
        Strings = leaf kind
    }

    /// Trimmed text of a kind that may be blank (for lists that drop blank items, see `refine`).
    let loose (kind: TextKind) : Codec<string> = {
        Schema = Schema.String None
        Decoder = Decode.string |> Decode.map (fun s -> s.Trim())
        Encode = Encode.string
        Strings = leaf kind
    }

    /// Descriptive text about the scene (checked for anachronisms).
    let prose = text TextKind.Prose
    /// A name or label.
    let label = text TextKind.Label
    /// Text about later times.
    let hindsight = text TextKind.Hindsight
    /// Guidance to a writer or model.
    let guidance = text TextKind.Guidance

    /// A boolean.
    let bool: Codec<bool> = {
        Schema = Schema.Boolean
        Decoder = Decode.bool
        Encode = Encode.bool
        Strings = noStrings
    }

    /// An integer; the bounds are asked of the model but not enforced.
    let intAbout lo hi : Codec<int> = {
        Schema = Schema.Integer(lo, hi)
        Decoder = Decode.int
        Encode = Encode.int
        Strings = noStrings
    }

    /// An integer within [lo, hi].
    let intRange lo hi : Codec<int> = {
        Schema = Schema.Integer(Some lo, Some hi)
        Decoder = Decode.intRange lo hi
        Encode = Encode.int
        Strings = noStrings
    }

    /// A number within [lo, hi].
    let floatRange lo hi : Codec<float> = {
        Schema = Schema.Number(Some lo, Some hi)
        Decoder = Decode.floatRange lo hi
        Encode = Encode.float
        Strings = noStrings
    }

    /// Checks the decoded value; the check returns an error message or None.
    let check (f: 'T -> string option) (c: Codec<'T>) = {
        c with
            Decoder = Decode.check f c.Decoder
    }

    /// Normalises the decoded value (trimming, dropping what contradicts itself).
    let refine (f: 'T -> 'T) (c: Codec<'T>) = {
        c with
            Decoder = Decode.map f c.Decoder
    }

    let private child (name: string) (path: string) =
        if path = "" then name
        elif path.StartsWith "[" then name + path
        else name + "." + path

    /// The strings of a value, each path placed under a property name.
    let stringsUnder (name: string) (leaves: TextLeaf list) =
        leaves |> List.map (fun l -> { l with Path = child name l.Path })

    /// An array of items (at most maxItems asked of the model); a single bare item reads as a one-item list.
    let list (maxItems: int option) (item: Codec<'T>) : Codec<'T list> = {
        Schema = Schema.Array(item.Schema, maxItems)
        Decoder =
            fun path el ->
                if el.ValueKind = JsonValueKind.Array then
                    Decode.list item.Decoder path el
                else
                    item.Decoder path el |> Result.map List.singleton
        Encode = Encode.list item.Encode
        Strings =
            fun xs ->
                xs
                |> List.mapi (fun i x -> item.Strings x |> stringsUnder $"[{i}]")
                |> List.concat
    }

    /// Starts an object codec with the constructor its fields feed, in order.
    let record (ctor: 'F) : Fields<'R, 'F> = {
        Properties = []
        Decode = fun _ _ -> Ok ctor
    }

    let private combine (decode: Decoder<'A>) (fields: Fields<'R, 'A -> 'T>) : Decoder<'T> =
        fun path el ->
            match fields.Decode path el, decode path el with
            | Ok f, Ok a -> Ok(f a)
            | Error e1, Error e2 -> Error(e1 @ e2)
            | Error e, Ok _
            | Ok _, Error e -> Error e

    let private add (property: Property<'R>) (decode: Decoder<'A>) (fields: Fields<'R, 'A -> 'T>) : Fields<'R, 'T> = {
        Properties = property :: fields.Properties
        Decode = combine decode fields
    }

    let private property name schema asked (get: 'R -> 'A) (encode: 'A -> JsonNode) (strings: 'A -> TextLeaf list) = {
        Name = name
        Schema = schema
        Asked = asked
        Encode = get >> encode
        Strings = get >> strings >> stringsUnder name
    }

    /// A property the model must give.
    let required name (get: 'R -> 'A) (c: Codec<'A>) fields =
        add (property name (Some c.Schema) true get c.Encode c.Strings) (Decode.field name c.Decoder) fields

    /// A nullable property; absent, null or blank reads as None and None is stored as null.
    let optional name (get: 'R -> 'A option) (c: Codec<'A>) fields =
        let strings = Option.map c.Strings >> Option.defaultValue []

        add
            (property name (Some(Schema.Nullable c.Schema)) false get (Encode.opt c.Encode) strings)
            (Decode.optional name c.Decoder)
            fields

    /// A nullable property where a value that does not read is None too (a lenient hint, never an error).
    let hint name (get: 'R -> 'A option) (c: Codec<'A>) fields =
        let strings = Option.map c.Strings >> Option.defaultValue []

        let decode: Decoder<'A option> =
            fun path el ->
                match Decode.optional name c.Decoder path el with
                | Ok v -> Ok v
                | Error _ -> Ok None

        add (property name (Some(Schema.Nullable c.Schema)) false get (Encode.opt c.Encode) strings) decode fields

    let private orDefault name (fallback: 'A) (c: Codec<'A>) : Decoder<'A> =
        fun path el ->
            Decode.optional name c.Decoder path el
            |> Result.map (Option.defaultValue fallback)

    /// A property the model is asked for; absent, null or blank reads as the fallback.
    let fallback name (get: 'R -> 'A) (value: 'A) (c: Codec<'A>) fields =
        add (property name (Some c.Schema) true get c.Encode c.Strings) (orDefault name value c) fields

    /// A property the model may leave out; absent, null or blank reads as the default.
    let defaulted name (get: 'R -> 'A) (value: 'A) (c: Codec<'A>) fields =
        add (property name (Some c.Schema) false get c.Encode c.Strings) (orDefault name value c) fields

    /// A property kept in storage that the model is not asked for; absent, null or blank reads as the default.
    let stored name (get: 'R -> 'A) (value: 'A) (c: Codec<'A>) fields =
        add (property name None false get c.Encode c.Strings) (orDefault name value c) fields

    /// A property the encoder adds from the value's other fields; the model is not asked and the decoder ignores it.
    let derived name (encode: 'R -> JsonNode) (fields: Fields<'R, 'T>) : Fields<'R, 'T> = {
        fields with
            Properties =
                {
                    Name = name
                    Schema = None
                    Asked = false
                    Encode = encode
                    Strings = noStrings
                }
                :: fields.Properties
    }

    /// The properties of another object's fields, flattened into this object (a character's voice).
    let flatten (get: 'R -> 'A) (inner: Fields<'A, 'A>) (fields: Fields<'R, 'A -> 'T>) : Fields<'R, 'T> =
        let lifted =
            inner.Properties
            |> List.map (fun p -> {
                Name = p.Name
                Schema = p.Schema
                Asked = p.Asked
                Encode = get >> p.Encode
                Strings = get >> p.Strings
            })

        {
            Properties = lifted @ fields.Properties
            Decode = combine inner.Decode fields
        }

    /// The finished object codec: properties in declaration order.
    let seal (fields: Fields<'R, 'R>) : Codec<'R> =
        let props = List.rev fields.Properties

        {
            Schema =
                Schema.Object(
                    props |> List.choose (fun p -> p.Schema |> Option.map (fun s -> p.Name, s)),
                    props |> List.filter (fun p -> p.Asked) |> List.map (fun p -> p.Name)
                )
            Decoder = fields.Decode
            Encode = fun r -> Encode.obj (props |> List.map (fun p -> p.Name, p.Encode r))
            Strings = fun r -> props |> List.collect (fun p -> p.Strings r)
        }

/// A closed vocabulary: each case with its canonical (stored) spelling and the other spellings a model may use.
type Vocabulary<'T when 'T: equality> = {
    Cases: ('T * string) list
    Synonyms: (string * 'T) list
    /// What an unknown word reads as; None makes it a decode error.
    Unknown: 'T option
}

/// Closed vocabularies: lenient reading of model text, strict canonical storage.
[<RequireQualifiedAccess>]
module Vocabulary =
    /// Lower case; every character but letters, digits, apostrophes and colons as a space; runs of spaces as one;
    /// trimmed ("Eye-level, slightly low" is "eye level slightly low").
    let normalise (s: string) =
        let chars =
            s.ToLowerInvariant()
            |> String.map (fun c ->
                if Char.IsLetterOrDigit c || c = '\'' || c = ':' then
                    c
                else
                    ' ')

        chars.Split(' ', StringSplitOptions.RemoveEmptyEntries) |> String.concat " "

    /// A vocabulary with its cases, synonyms and the rule for an unknown word.
    let create (cases: ('T * string) list) (synonyms: (string * 'T) list) (unknown: 'T option) = {
        Cases = cases
        Synonyms = synonyms
        Unknown = unknown
    }

    /// The canonical spelling of a case.
    let name (v: Vocabulary<'T>) (x: 'T) =
        v.Cases |> List.find (fun (c, _) -> c = x) |> snd

    /// Every case in declaration order.
    let all (v: Vocabulary<'T>) = v.Cases |> List.map fst

    let private spellings (v: Vocabulary<'T>) =
        (v.Cases |> List.map (fun (c, s) -> normalise s, c))
        @ (v.Synonyms |> List.map (fun (s, c) -> normalise s, c))

    /// Reads a word: exactly (after normalising case, spacing and hyphens), else the longest known spelling found
    /// as whole words inside it ("late afternoon" is afternoon), else None.
    let tryParse (v: Vocabulary<'T>) (s: string) =
        let n = normalise s
        let known = spellings v

        match known |> List.tryFind (fun (k, _) -> k = n) with
        | Some(_, c) -> Some c
        | None ->
            let padded = $" {n} "

            known
            |> List.filter (fun (k, _) -> k <> "" && padded.Contains $" {k} ")
            |> List.sortByDescending (fun (k, _) -> k.Length)
            |> List.tryHead
            |> Option.map snd

    /// The codec of the vocabulary: an Enum schema of canonical spellings, lenient reading, canonical storage.
    let codec (v: Vocabulary<'T>) : Codec<'T> =
        let allowed = v.Cases |> List.map snd

        {
            Schema = Schema.Enum allowed
            Decoder =
                fun path el ->
                    Decode.string path el
                    |> Result.bind (fun s ->
                        match tryParse v s, v.Unknown with
                        | Some c, _ -> Ok c
                        | None, Some c -> Ok c
                        | None, None ->
                            let all = String.concat ", " allowed
                            Decode.fail path $"must be one of {all}, got \"{s}\"")
            Encode = fun x -> Encode.string (name v x)
            Strings =
                fun x -> [
                    {
                        Path = ""
                        Kind = TextKind.Vocabulary
                        Text = name v x
                    }
                ]
        }
