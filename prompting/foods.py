"""The small vocabularies the recipe checks stand on: words that are not ingredients, pantry staples, foods
each diet rules out, and the everyday foods used to tell whether a fridge holds anything edible at all.

They are plain Python sets so a reader can see (and extend) exactly what the checks know. Words are
singular and lower case; `words_of` in checks.py brings text to that form.
"""

# Quantities, units, preparation words and colours: they say nothing about *which* food it is.
NOT_INGREDIENT_WORDS = {
    "a", "an", "the", "of", "and", "or", "with", "some", "few", "half", "quarter", "one", "two", "three",
    "four", "five", "six", "dozen", "handful", "pinch", "dash", "splash", "bunch", "piece", "slice",
    "clove", "can", "tin", "jar", "pack", "packet", "bag", "box", "bottle", "carton", "leftover", "to",
    "cup", "tbsp", "tsp", "tablespoon", "teaspoon", "g", "gram", "kg", "ml", "l", "litre", "liter", "oz",
    "ounce", "lb", "pound", "large", "small", "medium", "big", "fresh", "frozen", "dried", "chopped",
    "sliced", "diced", "minced", "grated", "shredded", "crumbled", "cooked", "raw", "ripe", "whole",
    "plain", "taste", "optional", "for", "serving", "garnish", "in", "on", "about", "extra", "virgin",
    "finely", "roughly", "thinly", "beaten", "boiled", "canned", "red", "green", "yellow", "white",
    "brown", "baby", "mixed", "old", "day", "little", "lot", "bit", "more", "less", "any",
}

# Assumed to be in every kitchen: a recipe may use these without them being in the fridge.
PANTRY_STAPLES = {"salt", "pepper", "black pepper", "oil", "olive oil", "vegetable oil", "water", "sugar",
                  "flour", "vinegar"}
STAPLE_WORDS = {word for staple in PANTRY_STAPLES for word in staple.split()}

MEAT_AND_FISH = {
    "meat", "chicken", "beef", "pork", "bacon", "ham", "sausage", "lamb", "turkey", "duck", "veal", "steak",
    "mince", "salami", "pepperoni", "chorizo", "prosciutto", "pancetta", "gelatin", "gelatine", "fish",
    "salmon", "tuna", "cod", "sardine", "anchovy", "shrimp", "prawn", "crab", "lobster", "mussel", "clam",
    "oyster", "squid", "venison", "hotdog", "meatball", "burger",
}
ANIMAL_PRODUCTS = {"egg", "milk", "cheese", "butter", "cream", "yogurt", "yoghurt", "feta", "cheddar",
                   "mozzarella", "parmesan", "ricotta", "halloumi", "ghee", "whey", "honey", "mayonnaise",
                   "mayo", "paneer", "brie", "gouda", "buttermilk"}
GLUTEN = {"wheat", "flour", "bread", "breadcrumb", "pasta", "spaghetti", "penne", "macaroni", "noodle",
          "couscous", "barley", "rye", "semolina", "seitan", "cracker", "tortilla", "bun", "bagel", "beer",
          "crouton", "pita", "baguette", "soy sauce", "lasagna", "biscuit", "cake", "pastry", "dough"}
# Words that make a gluten word harmless: "rice noodle", "corn tortilla", "gluten-free pasta".
GLUTEN_FREE_MARKERS = {"rice", "corn", "almond", "coconut", "chickpea", "buckwheat", "gluten-free", "tamari"}

# Words that make a forbidden word harmless: "peanut butter" is vegan, "rice noodle" is gluten-free.
PLANT_MARKERS = {"peanut", "almond", "cashew", "coconut", "oat", "soy", "vegan", "plant", "veggie"}
EXEMPT = {
    "none": set(),
    "vegetarian": PLANT_MARKERS | {"tofu", "vegetarian"},
    "vegan": PLANT_MARKERS,
    "gluten-free": GLUTEN_FREE_MARKERS,
}

FORBIDDEN = {
    "none": set(),
    "vegetarian": MEAT_AND_FISH,
    "vegan": MEAT_AND_FISH | ANIMAL_PRODUCTS,
    "gluten-free": GLUTEN,
}

# A recipe may name the kind where the fridge names the variety: "cheese" for "feta", "fish" for "cod".
KIND_OF = {
    "feta": "cheese", "cheddar": "cheese", "mozzarella": "cheese", "parmesan": "cheese", "ricotta": "cheese",
    "halloumi": "cheese", "brie": "cheese", "gouda": "cheese", "paneer": "cheese", "salmon": "fish",
    "tuna": "fish", "cod": "fish", "sardine": "fish", "spaghetti": "pasta", "penne": "pasta",
    "macaroni": "pasta", "scallion": "onion", "shallot": "onion", "courgette": "zucchini",
    "zucchini": "courgette", "aubergine": "eggplant", "eggplant": "aubergine", "coriander": "cilantro",
    "cilantro": "coriander", "rocket": "arugula", "arugula": "rocket", "mince": "beef", "yoghurt": "yogurt",
    "yogurt": "yoghurt", "chilli": "chili", "chili": "chilli", "stock": "broth", "broth": "stock",
}

# Everyday foods, to tell "eggs, spinach" (cook something) from "batteries, shampoo" (refuse honestly).
# A fridge counts as edible when one of its items names one of these, or a word of the lists above.
EVERYDAY_FOODS = {
    "apple", "apricot", "artichoke", "asparagus", "aubergine", "avocado", "banana", "basil", "bean",
    "beet", "beetroot", "berry", "blueberry", "broccoli", "cabbage", "carrot", "cauliflower", "celery",
    "chard", "cherry", "chickpea", "chili", "chilli", "chive", "cilantro", "coriander", "corn", "courgette",
    "cucumber", "date", "dill", "eggplant", "fennel", "fig", "garlic", "ginger", "grape", "herb", "kale",
    "leek", "lemon", "lentil", "lettuce", "lime", "mango", "melon", "mint", "mushroom", "olive", "onion",
    "orange", "parsley", "parsnip", "pea", "peach", "pear", "pepper", "pineapple", "plum", "potato",
    "pumpkin", "radish", "raspberry", "rocket", "arugula", "rosemary", "scallion", "shallot", "spinach",
    "sprout", "squash", "strawberry", "thyme", "tomato", "turnip", "zucchini", "rice", "oat", "quinoa",
    "tofu", "tempeh", "nut", "almond", "cashew", "peanut", "walnut", "seed", "sesame", "yam", "kimchi",
    "hummus", "salsa", "pesto", "stock", "broth", "sauce", "ketchup", "mustard", "jam", "chocolate",
    "coconut", "soy", "miso", "curry", "paprika", "cumin", "cinnamon", "oregano", "raisin", "sweetcorn",
    "edamame", "bok", "choy", "polenta", "millet", "tahini", "kefir",
} | MEAT_AND_FISH | ANIMAL_PRODUCTS | {w for item in GLUTEN for w in item.split()} | STAPLE_WORDS

# What a recipe step starts with: the action. The structured technique's grammar makes a step start with one
# of these (capitalised), and the steps check asks every step to name one.
COOKING_VERBS = (
    "add", "bake", "beat", "boil", "chop", "combine", "cook", "crack", "dice", "drain", "fold", "fry", "grate",
    "grill", "heat", "knead", "mash", "melt", "mix", "peel", "place", "pour", "rinse", "roast", "saute",
    "season", "serve", "simmer", "slice", "spread", "sprinkle", "steam", "stir", "toast", "top", "toss",
    "warm", "whisk", "wash", "cut", "scramble", "soften", "wilt", "bring", "blend", "flip", "garnish",
    "lay", "cover", "spoon", "squeeze", "crumble", "tear", "brown", "drizzle", "scatter", "pat", "press",
    "measure",
)

# Kinds of dish, singular: a title that names one of these (or a food of the recipe) names a dish.
DISH_WORDS = {
    "omelette", "omelet", "scramble", "frittata", "stir-fry", "stir", "fry", "skillet", "salad", "pasta",
    "noodle", "rice", "bowl", "toast", "sandwich", "taco", "stew", "soup", "curry", "porridge", "hash", "dip",
    "risotto", "casserole", "bake", "traybake", "gratin", "pancake", "wrap", "burrito", "quesadilla", "chili",
    "smoothie", "tart", "quiche", "pie", "roast", "chowder", "salsa", "tzatziki", "sauce", "crumble",
    "sauté", "saute", "kebab", "skewer", "burger", "pilaf", "fritter", "patty", "gnocchi", "lasagne",
    "lasagna", "shakshuka", "muesli", "oatmeal", "parfait", "platter", "plate", "melt", "slaw", "dal", "chilli",
}

# Units a quantity may use, each with the plausible range for one serving of a home recipe (low, high per
# serving; "" is a count: 2 eggs). A quantity outside servings x range is implausible ("500 tbsp salt").
UNIT_RANGES = {
    "": (0.25, 6), "g": (1, 300), "kg": (0.05, 0.5), "ml": (1, 300), "l": (0.05, 0.5), "tbsp": (0.25, 2),
    "tsp": (0.125, 2), "cup": (0.125, 1.5), "clove": (0.5, 2), "slice": (0.5, 3), "can": (0.25, 1),
    "piece": (0.25, 4), "handful": (0.25, 2), "pinch": (0.5, 2), "bunch": (0.125, 0.5), "stalk": (0.5, 2),
}
UNIT_ALIASES = {"gram": "g", "grams": "g", "tablespoon": "tbsp", "teaspoon": "tsp", "litre": "l", "liter": "l",
                "cups": "cup", "cloves": "clove", "slices": "slice", "cans": "can", "pieces": "piece",
                "handfuls": "handful", "pinches": "pinch", "bunches": "bunch", "stalks": "stalk",
                "tablespoons": "tbsp", "teaspoons": "tsp", "tbs": "tbsp"}

# Words that belong to a JSON schema or a template, never to a recipe a cook reads: the model copies them
# from whatever schema text it is shown ("FridgeRecipe", "maxItems: 5", "{{title}}").
# (Plain words a step may use, "ingredients" or "title", are left out; a label like "Steps:" is caught by form.)
SCHEMA_WORDS = {"maxitems", "minitems", "maxlength", "minlength", "properties", "schema", "json", "enum",
                "additionalproperties", "fridgerecipe", "fridgeingredient", "total_minutes", "anyof", "integer",
                "array", "null", "recipe_title", "placeholder", "lorem", "ipsum", "todo", "tbd", "xxx"}
