"""A cook's vocabulary: what the structured technique lets the model write, built from the user's own fridge.

The 135M model writes a fluent recipe sentence about as often as it copies a schema word into one, and
left to itself it lists foods its steps never touch and repeats a step. So the values it may write are
sentences a cook would write, composed here from the foods it was given, and the model chooses among them
with grammar-constrained decoding (narrow.py):

    food kinds   "spinach" is a leafy green, "feta" a cheese, "tofu" a protein; each kind knows how it is
                 prepared, cooked and served raw ("Wash the spinach and chop it roughly.")
    amounts      each kind's usual amounts for the servings ("100 g", "2 cloves", "1/2")
    dishes       what the foods can make ("Omelette" needs an egg; porridge is the one dish of oats; a
                 sweet fridge gets no savoury dish, and no oil, salt or pepper)
    steps        one position per step in a cook's order: each food prepared, what boils put on first,
                 the pan heated, each food cooked (or, raw, added to the bowl), then the finish

The model still chooses what the code cannot know: the dish, the amounts, a cooked or a raw dish, and the
total time. Every table here is plain data a reader can extend; a food it does not know gets the generic
sentences of the `other` kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prompting.checks import singular

# -- food kinds: the words that name each kind (singular, lower case; two-word names before one word) -----
KIND_WORDS = {
    "egg": {"egg"},
    "leaf": {"spinach", "kale", "chard", "lettuce", "cabbage", "rocket", "arugula", "bok choy", "watercress"},
    "cheese": {"feta", "cheddar", "mozzarella", "parmesan", "halloumi", "paneer", "cheese", "ricotta", "brie",
               "gouda"},
    "allium": {"onion", "shallot", "leek", "scallion", "spring onion"},
    "garlic": {"garlic"},
    "vegetable": {"pepper", "bell pepper", "zucchini", "courgette", "mushroom", "carrot", "broccoli",
                  "cauliflower", "asparagus", "eggplant", "aubergine", "celery", "cucumber", "tomato",
                  "green bean", "corn", "sweetcorn", "pea", "avocado", "squash", "pumpkin", "beetroot"},
    "root": {"potato", "sweet potato", "parsnip", "yam"},
    "grain": {"rice", "quinoa", "couscous", "pasta", "spaghetti", "penne", "noodle", "macaroni"},
    "oats": {"oat"},
    "bread": {"bread", "tortilla", "pita", "bun", "bagel", "baguette", "wrap"},
    "meat": {"chicken", "beef", "pork", "bacon", "ham", "sausage", "turkey", "lamb", "chorizo", "steak"},
    "fish": {"salmon", "cod", "fish", "shrimp", "prawn", "tuna", "trout", "haddock"},
    "tofu": {"tofu", "tempeh"},
    "legume": {"chickpea", "bean", "lentil", "black bean", "kidney bean", "white bean"},
    "herb": {"basil", "parsley", "cilantro", "coriander", "mint", "dill", "chive", "rosemary", "thyme"},
    "citrus": {"lemon", "lime"},
    "liquid": {"milk", "cream", "stock", "broth", "coconut milk", "vegetable stock", "vegetable broth"},
    "sauce": {"soy sauce", "salsa", "pesto", "curry paste", "tomato sauce", "mayonnaise", "mayo", "yogurt",
              "yoghurt", "peanut butter", "honey", "hummus", "tahini", "mustard"},
    "fruit": {"banana", "apple", "pear", "berry", "mango", "peach", "strawberry", "blueberry"},
    "spice": {"cinnamon", "chili flake", "chilli flake", "paprika", "cumin", "ginger", "curry powder"},
    "fat": {"butter", "olive oil", "oil", "ghee"},
}

# -- how each kind is written about; {f} is the food, {it} "it" or "them", {fat} the cooking fat -------
PREPARE = {
    "egg": ["Crack the {f} into a bowl and beat {it} with a fork."],
    "leaf": ["Wash the {f} and chop {it} roughly."],
    "cheese": ["Crumble the {f} into a small bowl.", "Grate the {f} into a small bowl."],
    "allium": ["Peel the {f} and chop {it} finely."],
    "garlic": ["Peel the {f} and slice {it} thinly."],
    "vegetable": ["Wash the {f} and cut {it} into small pieces."],
    "root": ["Peel the {f} and cut {it} into small cubes."],
    "bread": ["Toast the {f} until golden."],
    "meat": ["Cut the {f} into bite-sized pieces and season {it} with salt and black pepper."],
    "fish": ["Pat the {f} dry and season {it} with salt and black pepper."],
    "tofu": ["Press the {f} dry and cut {it} into cubes."],
    "legume": ["Drain the {f} and rinse {it} under cold water."],
    "herb": ["Wash the {f} and chop the leaves finely."],
    "citrus": ["Cut the {f} into wedges."],
    "fruit": ["Peel the {f} and slice {it} thinly."],
    "spice": ["Measure the {f} into a small dish."],
    "other": ["Wash the {f} and chop {it}."],
}
COOK = {
    "egg": ["Pour the {f} into the pan and stir gently until just set, about 3 minutes."],
    "leaf": ["Add the {f} to the pan and stir until {it} wilts, about 2 minutes."],
    "cheese": ["Sprinkle the {f} over the top and let {it} melt for a minute."],
    "allium": ["Fry the {f} in the {fat} until soft, about 4 minutes."],
    "garlic": ["Add the {f} to the pan and fry for 1 minute until fragrant."],
    "vegetable": ["Add the {f} to the pan and cook, stirring, for 5 minutes."],
    "root": ["Boil the {f} in salted water for 12 minutes until tender, then drain {it}."],
    "grain": ["Cook the {f} in boiling salted water until tender, about 12 minutes, then drain {it}."],
    "oats": ["Simmer the {f} in a pan of water for 5 minutes, stirring often."],
    "bread": ["Warm the {f} in a dry pan for a minute on each side."],
    "meat": ["Fry the {f} in the {fat} over medium heat until browned and cooked through, about 8 minutes."],
    "fish": ["Fry the {f} in the {fat} for 3 minutes on each side until cooked through."],
    "tofu": ["Fry the {f} in the {fat} until golden on all sides, about 6 minutes."],
    "legume": ["Stir the {f} into the pan and warm {it} through for 3 minutes."],
    "liquid": ["Pour in the {f} and simmer for 3 minutes."],
    "sauce": ["Stir the {f} into the pan and let {it} bubble for a minute."],
    "fruit": ["Fry the {f} in the {fat} for 3 minutes until soft.", "Stir the {f} through at the end."],
    "spice": ["Stir in the {f} and cook for 1 minute."],
    "herb": ["Stir in the {f} just before the end."],
    "citrus": ["Squeeze the {f} over the pan."],
    "fat": ["Melt the {f} in the pan."],
    "other": ["Add the {f} to the pan and cook for 3 minutes."],
}
RAW = {  # the same kinds, for a dish that is not cooked (a salad, a sandwich, a dip)
    "leaf": ["Toss the {f} in a large bowl."],
    "vegetable": ["Add the {f} to the bowl."],
    "cheese": ["Add the {f} to the bowl."],
    "sauce": ["Mix the {f} into the bowl."],
    "fruit": ["Add the {f} to the bowl."],
    "fish": ["Drain the {f} and flake {it} with a fork."],
    "legume": ["Add the {f} to the bowl."],
    "bread": ["Spread the filling on the {f}."],
    "herb": ["Scatter the {f} over the bowl."],
    "allium": ["Add the {f} to the bowl."],
    "garlic": ["Stir the {f} into the bowl."],
    "citrus": ["Squeeze the {f} over the bowl."],
    "spice": ["Sprinkle the {f} over the bowl."],
    "egg": ["Boil the {f} for 8 minutes, cool {it} in cold water, slice {it} and add {it} to the bowl."],
}
SEASON = ["Season with salt and black pepper and serve hot.",  # when both staples are in the recipe
          "Season with salt and black pepper and serve at once."]

# -- amounts: per kind, what one serving usually takes (value, unit); scaled by the servings -----------
PER_SERVING = {
    "egg": [(1, ""), (1.5, ""), (2, "")], "leaf": [(50, "g"), (75, "g"), (100, "g")],
    "cheese": [(25, "g"), (40, "g"), (50, "g")], "allium": [(0.25, ""), (0.5, "")],
    "garlic": [(0.5, "clove"), (1, "clove")], "vegetable": [(50, "g"), (75, "g"), (100, "g")],
    "root": [(150, "g"), (200, "g")], "grain": [(60, "g"), (75, "g"), (100, "g")],
    "oats": [(40, "g"), (50, "g")], "bread": [(1, "slice"), (2, "slice")],
    "meat": [(100, "g"), (125, "g"), (150, "g")], "fish": [(100, "g"), (125, "g"), (150, "g")],
    "tofu": [(100, "g"), (150, "g")], "legume": [(0.25, "can"), (0.5, "can")],
    "herb": [(0.5, "tbsp"), (1, "tbsp")], "citrus": [(0.25, ""), (0.5, "")],
    "liquid": [(100, "ml"), (150, "ml")], "sauce": [(0.5, "tbsp"), (1, "tbsp")],
    "fruit": [(0.5, ""), (1, "")], "spice": [(0.25, "tsp"), (0.5, "tsp")], "fat": [(0.5, "tbsp"), (1, "tbsp")],
    "other": [(50, "g"), (100, "g")],
}
STAPLE_AMOUNTS = {"olive oil": ["1 tbsp", "2 tbsp"], "salt": ["1 pinch", "1/2 tsp"],
                  "black pepper": ["1 pinch"]}
ROUND_TO = {"g": 25, "ml": 50}  # grams and millilitres in steps a cook would weigh

# -- dishes: a name and the kinds of which at least one must be among the foods ------------------------
DISHES = [
    ("Omelette", {"egg"}), ("Scramble", {"egg", "tofu"}), ("Frittata", {"egg"}),
    ("Stir-Fry", {"vegetable", "leaf", "meat", "fish", "tofu"}), ("Skillet", {"vegetable", "meat", "root", "egg"}),
    ("Salad", {"leaf", "vegetable"}), ("Pasta", {"pasta", "spaghetti", "penne", "macaroni"}),
    ("Noodles", {"noodle"}), ("Fried Rice", {"rice"}),
    ("Rice Bowl", {"rice", "quinoa"}), ("Toast", {"bread"}), ("Sandwich", {"bread"}), ("Tacos", {"tortilla"}),
    ("Stew", {"legume", "liquid"}), ("Soup", {"liquid", "legume", "root"}), ("Curry", {"curry paste", "coconut milk"}),
    ("Porridge", {"oats"}), ("Hash", {"root"}), ("Dip", {"sauce"}), ("Bowl", {"grain", "legume", "vegetable"}),
]
SAVOURY_ONLY = {"Stir-Fry", "Skillet", "Stew", "Soup", "Curry", "Hash", "Omelette", "Scramble", "Frittata",
                "Fried Rice", "Tacos", "Salad", "Noodles", "Pasta", "Rice Bowl"}  # not for oats, fruit, honey
SWEET_DISHES = {"Porridge", "Toast", "Sandwich", "Bowl", "Dip"}
SWEET_KINDS = {"oats", "fruit"}  # a recipe with one of these and nothing savoury is sweet: no oil, no salt
SAVOURY_KINDS = {"egg", "leaf", "allium", "garlic", "vegetable", "root", "grain", "meat", "fish", "tofu", "legume",
                 "herb", "spice"}
VESSEL = {"Omelette": "egg", "Scramble": "egg", "Frittata": "egg", "Sandwich": "bread", "Toast": "bread",
          "Tacos": "bread", "Porridge": "oats"}  # "Egg and Spinach Omelette" says egg twice
TITLE_KINDS = {"egg", "leaf", "cheese", "allium", "vegetable", "root", "grain", "oats", "meat", "fish",
               "tofu", "legume", "fruit", "herb", "sauce", "other"}  # a title names foods, not stock or salt
SIDE_KINDS = {"sauce", "herb"}  # named in a title only when fewer than two main foods are in the recipe
NO_STEM = {"asparagus", "couscous", "hummus", "cheese"}  # words whose last "s" is not a plural


@dataclass(frozen=True)
class Food:
    """One food as the recipe names it ('onion' for "half an onion") and what kind of food it is."""

    name: str
    kind: str

    @property
    def plural(self) -> bool:
        last = self.name.split()[-1]
        return last.endswith("s") and last not in NO_STEM

    @property
    def titled(self) -> str:
        """As a title names it: 'Tomato' for "tomatoes", 'Black Bean' for "black beans"."""
        words = self.name.split()
        return " ".join(words[:-1] + [singular(words[-1])]).title()

    def said(self, template: str, fat: str = "olive oil") -> str:
        return template.format(f=self.name, it="them" if self.plural else "it", fat=fat)


def kind_of(name: str) -> str:
    """'cherry tomatoes' -> 'vegetable', 'soy sauce' -> 'sauce'; two-word names first, then the last word."""
    words = [singular(w) for w in re.findall(r"[a-z]+", name.lower())]
    pairs = [" ".join(words[i:i + 2]) for i in range(len(words) - 1)]
    for candidate in pairs[::-1] + words[::-1]:
        for kind, names in KIND_WORDS.items():
            if candidate in names:
                return kind
    return "other"


def dish_key(food: Food) -> set[str]:
    """What a dish may ask for: the food's kind and its own words ('rice', 'pasta', 'curry paste')."""
    words = [singular(w) for w in food.name.split()]
    return {food.kind, *words, " ".join(words)}


def amounts(food: Food, servings: int) -> list[str]:
    """The food's usual amounts for this many servings, as a cook writes them: '200 g', '2 cloves', '1/2'."""
    written = []
    for per_serving, unit in PER_SERVING.get(food.kind, PER_SERVING["other"]):
        written.append(amount_text(per_serving * servings, unit))
    return list(dict.fromkeys(written))


def amount_text(value: float, unit: str) -> str:
    if unit in ROUND_TO:
        value = max(ROUND_TO[unit], round(value / ROUND_TO[unit]) * ROUND_TO[unit])
    number = {0.25: "1/4", 0.5: "1/2", 0.75: "3/4"}.get(value) or str(round(value) if value >= 1 else 1)
    if not unit:
        return number
    plural = unit in ("clove", "slice", "can") and value > 1
    return f"{number} {unit}{'s' if plural else ''}"


def is_sweet(foods: list[Food]) -> bool:
    """Porridge, a banana sandwich: oats or fruit and nothing savoury. Made without oil, salt or pepper."""
    kinds = {f.kind for f in foods}
    return bool(kinds & SWEET_KINDS) and not kinds & SAVOURY_KINDS


def dishes_for(foods: list[Food]) -> list[str]:
    keys = set().union(*(dish_key(f) for f in foods)) if foods else set()
    sweet = is_sweet(foods)
    fitting = [name for name, needs in DISHES if needs & keys and (name in SWEET_DISHES if sweet else True)]
    if "oats" in keys:  # oats make porridge whatever else goes in
        fitting = ["Porridge"]
    return fitting or (["Bowl"] if sweet else ["Skillet"])


def titles(foods: list[Food], dishes: list[str]) -> list[str]:
    """'Spinach and Feta Omelette': two different foods of the recipe and a dish they can make (the dish's
    own food left out of its name: not 'Egg and Spinach Omelette')."""
    written = []
    for dish in dishes:
        named = [f for f in foods if f.kind in TITLE_KINDS and f.kind != VESSEL.get(dish)
                 and f.titled.lower() not in dish.lower()]
        main = [f for f in named if f.kind not in SIDE_KINDS]
        named = main if len(main) >= 2 else named
        pairs = [f"{a.titled} and {b.titled}" for a in named for b in named if a is not b]
        written += [f"{both} {dish}" for both in pairs or [f.titled for f in named]]
    return list(dict.fromkeys(written)) or list(dishes)


COOK_ORDER = ("root", "grain", "fat", "allium", "garlic", "spice", "meat", "fish", "tofu", "oats", "vegetable",
              "legume", "leaf", "liquid", "sauce", "egg", "fruit", "bread", "cheese", "herb", "citrus", "other")
BOILED = {"root", "grain"}  # cooked in a pot of water before the pan is heated
RAW_DISHES = {"Salad", "Sandwich", "Toast", "Dip"}  # dishes made without cooking: their steps are the raw ones
RAW_KINDS = set(RAW) | {"herb", "citrus", "spice"}  # a raw dish only from foods that need no cooking
SELF_PREPARED = {True: {"fish", "egg"}, False: {"bread"}}  # kinds whose use step already prepares them
SERVE = "Spoon the {f} into bowls and serve warm."  # the finish when salt and pepper are not both listed
SERVE_RAW = "Serve the {f} at once."


def in_cook_order(foods: list[Food]) -> list[Food]:
    return sorted(foods, key=lambda f: COOK_ORDER.index(f.kind) if f.kind in COOK_ORDER else len(COOK_ORDER))


def can_be_raw(foods: list[Food]) -> bool:
    return bool(foods) and all(f.kind in RAW_KINDS for f in foods)


def step_positions(foods: list[Food], raw: bool, fat: str | None, seasoning: set[str]) -> list[list[str]]:
    """The sentences each step may be, in a cook's order: every food prepared, the fat heated, every food
    cooked (or, raw, added to the bowl), then the finish. Fixed positions make every listed food used, each
    step a sentence of its own, and the order one a cook would follow; the model picks among each
    position's sentences."""
    ordered = in_cook_order(foods)
    if raw:  # the leaves go into the bowl first; everything else is added to them
        ordered = sorted(ordered, key=lambda f: f.kind != "leaf")
    uses = RAW if raw else COOK
    skip = SELF_PREPARED[raw]
    prepare = [[f.said(t, fat or "") for t in PREPARE[f.kind]] for f in ordered
               if f.kind in PREPARE and f.kind not in skip]
    use = [written for f in ordered if (written := [f.said(t, fat or "") for t in uses.get(f.kind, [])
                                                     if fat or "{fat}" not in t])]
    if not raw and fat:  # what boils in water goes on first; the pan follows
        boiled = sum(f.kind in BOILED for f in ordered if f.kind in uses)
        use.insert(boiled, [f"Heat the {fat} in a large pan over medium heat."])
    if raw and fat:
        use.append([f"Drizzle the {fat} over the top."])
    return prepare + use + [finish_sentences(ordered, raw, seasoning)]


def finish_sentences(foods: list[Food], raw: bool, seasoning: set[str]) -> list[str]:
    if {"salt", "black pepper"} <= seasoning:
        return [SEASON[1] if raw else SEASON[0]]
    bread = [f for f in foods if f.kind == "bread"]
    if raw and bread:
        return [f"Cut the {bread[0].name} in half and serve."]
    return [(SERVE_RAW if raw else SERVE).format(f=foods[0].name)] if foods else ["Serve at once."]
