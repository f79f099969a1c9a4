"""The tutor's concept answers, written by hand: (topic, explanation, check-for-understanding question).

Used by make_tutor_data.py; each explanation is short, factual and plain, in the Brightpath voice.
"""

CONCEPTS = [
    ('photosynthesis',
     'Photosynthesis is how plants make their own food. Using energy from sunlight, they turn '
     'water and carbon dioxide into glucose, and release oxygen as a by-product.',
     'Can you name the gas that plants give off during photosynthesis?'),
    ('gravity',
     'Gravity is the pull that every object with mass has on every other object. The more '
     'mass, the stronger the pull, which is why Earth keeps us on the ground and the Moon in '
     'orbit.',
     'Why do you think you would weigh less on the Moon?'),
    ('a prime number',
     'A prime number is a whole number greater than 1 that can only be divided evenly by 1 and'
     ' itself. For example, 7 is prime, but 9 is not because 3 times 3 is 9.',
     'Is 15 prime, and how could you check?'),
    ('the water cycle',
     'The water cycle is how water moves around Earth. The sun heats water so it evaporates, '
     'the vapour cools into clouds by condensation, and it falls back as precipitation like '
     'rain or snow.',
     'Which step turns water vapour back into droplets?'),
    ('a fraction',
     'A fraction describes part of a whole. The bottom number, the denominator, says how many '
     'equal parts the whole is split into, and the top number, the numerator, says how many '
     'you have.',
     'In 3/8, how many equal parts is the whole split into?'),
    ('an atom',
     'An atom is the smallest unit of a chemical element. It has a tiny nucleus of protons and'
     ' neutrons, with electrons moving around it.',
     'Which particles would you find in the nucleus?'),
    ('a noun',
     'A noun is a word that names a person, place, thing or idea, like teacher, Paris, book or'
     ' happiness.',
     "Can you spot the nouns in the sentence 'The dog chased the ball in the park'?"),
    ('a verb',
     'A verb is a word that shows an action or a state of being, like run, think or is. Every '
     'complete sentence needs one.',
     "What is the verb in 'She writes a letter'?"),
    ('an adjective',
     'An adjective is a word that describes a noun, telling us what kind, how many or which '
     'one, like red, tall or three.',
     "Can you add an adjective to the sentence 'I saw a dog'?"),
    ('the Pythagorean theorem',
     'The Pythagorean theorem says that in a right triangle, the square of the longest side, '
     'the hypotenuse, equals the sum of the squares of the other two sides: a squared plus b '
     'squared equals c squared.',
     'Which side of a right triangle is the hypotenuse?'),
    ('an ecosystem',
     'An ecosystem is a community of living things, like plants, animals and microbes, '
     'together with their non-living surroundings, such as water, soil and climate, all '
     'interacting.',
     'Can you name one living and one non-living part of a pond ecosystem?'),
    ('a food chain',
     'A food chain shows who eats whom. Energy passes from producers like grass, to herbivores'
     ' like rabbits, to carnivores like foxes.',
     'Where does the energy in a food chain first come from?'),
    ('democracy',
     'Democracy is a system of government where the people hold the power, usually by voting '
     'for representatives or deciding on laws directly.',
     'How is democracy different from a king ruling alone?'),
    ('inflation',
     'Inflation is when prices in general rise over time, so the same amount of money buys '
     'less than it did before.',
     'If inflation is high, what happens to what your savings can buy?'),
    ('supply and demand',
     'Supply and demand explains prices. When many people want something but there is little '
     'of it, the price tends to rise, and when there is plenty and few buyers, it tends to '
     'fall.',
     'What might happen to the price of umbrellas on a rainy day?'),
    ('a cell',
     'A cell is the basic building block of all living things. Some organisms, like bacteria, '
     'are a single cell, while humans are made of trillions of them.',
     'Can you name an organism made of just one cell?'),
    ('DNA',
     'DNA is the molecule that carries the genetic instructions of living things. It is shaped'
     ' like a twisted ladder called a double helix.',
     'Why do you think children often look like their parents?'),
    ('evaporation',
     'Evaporation is when a liquid turns into a gas, usually because it is heated. A puddle '
     'drying in the sun is a good example.',
     'Would a puddle dry faster on a hot day or a cold one, and why?'),
    ('friction',
     'Friction is a force that resists motion when two surfaces rub against each other. It is '
     'why a rolling ball slows down and why shoes grip the floor.',
     'Would a ball roll further on carpet or on ice?'),
    ('an electric circuit',
     'An electric circuit is a closed loop that electricity flows around. It needs a power '
     'source like a battery, wires, and something that uses the energy, like a bulb.',
     'What happens to the bulb if the loop is broken?'),
    ('a metaphor',
     "A metaphor describes something by saying it is something else, to show a likeness. 'The "
     "classroom was a zoo' does not mean animals were there, just that it was wild and noisy.",
     'Can you make up a metaphor about the weather?'),
    ('a simile',
     "A simile compares two things using like or as, for example 'as brave as a lion' or 'she "
     "ran like the wind'.",
     'How is a simile different from a metaphor?'),
    ('the area of a shape',
     'Area is the amount of flat space a shape covers. It is measured in square units, like '
     'square centimetres, and for a rectangle you find it by multiplying length by width.',
     'Why do you think area uses square units?'),
    ('the perimeter',
     'The perimeter is the total distance around the outside of a shape. You find it by adding'
     ' up the lengths of all its sides.',
     'How would you find the perimeter of a square?'),
    ('a variable in algebra',
     'A variable is a letter, like x, that stands for a number we do not know yet or that can '
     'change. Algebra is about finding or working with those numbers.',
     'In x + 2 = 5, what is the variable?'),
    ('an equation',
     'An equation is a statement that two expressions are equal, joined by an equals sign. '
     'Solving it means finding the values that make both sides the same.',
     'What does the equals sign tell you about both sides?'),
    ('a ratio',
     'A ratio compares two amounts. If a recipe uses 2 cups of flour for every 1 cup of sugar,'
     ' the ratio of flour to sugar is 2 to 1.',
     'If you double the recipe, does the ratio change?'),
    ('a percentage',
     'A percentage is a number out of 100. Fifty percent means 50 out of every 100, which is '
     'the same as one half.',
     'What fraction is the same as 25 percent?'),
    ('the mean of a data set',
     'The mean is the average: add up all the values, then divide by how many values there '
     'are.',
     'Why might one very large value pull the mean up?'),
    ('the median',
     'The median is the middle value when the numbers are put in order. If there are two '
     'middle values, it is halfway between them.',
     'What is the first step before finding a median?'),
    ('probability',
     'Probability measures how likely something is to happen, from 0 for impossible to 1 for '
     'certain. A fair coin landing heads has a probability of one half.',
     'What is the probability of rolling a number from 1 to 6 on a normal die?'),
    ('the solar system',
     'The solar system is the Sun and everything that orbits it, including eight planets, '
     'their moons, and smaller bodies like asteroids and comets.',
     'Can you name the planet closest to the Sun?'),
    ('a volcano',
     "A volcano is an opening in Earth's crust where molten rock, called magma, gases and ash "
     'escape from below. Once magma reaches the surface it is called lava.',
     'What is the difference between magma and lava?'),
    ('plate tectonics',
     "Plate tectonics is the idea that Earth's outer shell is broken into large plates that "
     'slowly move. Where they meet, we get earthquakes, volcanoes and mountains.',
     'What might happen when two plates push into each other?'),
    ('climate',
     'Climate is the typical weather of a place over many years, while weather is what happens'
     ' on a single day.',
     'Is a rainy Tuesday an example of weather or climate?'),
    ('erosion',
     'Erosion is when wind, water or ice wear away rock and soil and carry it somewhere else. '
     'Rivers carving valleys are a classic example.',
     'Can you think of a place where erosion might happen quickly?'),
    ('a mammal',
     'A mammal is an animal that has hair or fur, breathes air, is warm-blooded and feeds its '
     'young on milk. Dogs, whales and humans are all mammals.',
     'Why is a whale a mammal and not a fish?'),
    ('an insect',
     'An insect is a small animal with six legs and a body in three parts: head, thorax and '
     'abdomen. Ants, bees and beetles are insects.',
     'Is a spider an insect, judging by its legs?'),
    ('the digestive system',
     'The digestive system breaks food down into nutrients the body can use. Food travels from'
     ' the mouth to the stomach and then the intestines, where nutrients are absorbed.',
     'Where in the body are most nutrients absorbed?'),
    ('the heart',
     'The heart is a muscle that pumps blood around the body. The blood carries oxygen and '
     'nutrients to the cells and takes waste away.',
     'Why do you think your heart beats faster when you run?'),
    ('a magnet',
     'A magnet pulls on some metals, like iron, and has two ends called poles, north and '
     'south. Opposite poles attract and like poles push apart.',
     'What happens if you bring two north poles together?'),
    ('sound',
     'Sound is a vibration that travels through air, water or solids as a wave. When it '
     'reaches our ears, we hear it.',
     'Why do you think there is no sound in space?'),
    ('light reflection',
     'Reflection is when light bounces off a surface. A mirror reflects light so neatly that '
     'you can see an image in it.',
     'Why can you see yourself in a still lake?'),
    ('the states of matter',
     'The three common states of matter are solid, liquid and gas. Solids keep their shape, '
     'liquids take the shape of their container, and gases spread out to fill it.',
     'What state of matter is steam?'),
    ('a chemical reaction',
     'A chemical reaction is when substances change into new substances with different '
     'properties. Rust forming on iron and wood burning are examples.',
     'How could you tell that a chemical reaction has happened?'),
    ('an acid',
     'An acid is a substance with a pH below 7. Lemon juice and vinegar are mild acids, and '
     'they taste sour.',
     'Where would water, with a pH of 7, sit compared to an acid?'),
    ('a paragraph',
     'A paragraph is a group of sentences about one main idea. It usually starts with a topic '
     'sentence that says what the paragraph is about.',
     'What is the job of a topic sentence?'),
    ('a thesis statement',
     'A thesis statement is one or two sentences, usually in the introduction, that state the '
     'main argument of an essay.',
     'Can you write a thesis statement about school uniforms?'),
    ('the Renaissance',
     'The Renaissance was a period in Europe, roughly from the 14th to the 17th century, of '
     'renewed interest in art, science and classical learning. Leonardo da Vinci lived then.',
     'Can you name another artist from the Renaissance?'),
    ('the Industrial Revolution',
     'The Industrial Revolution began in Britain in the 18th century, when machines and '
     'factories started replacing hand work, powered at first by water and steam.',
     'How do you think factories changed where people lived?'),
    ('a timeline',
     'A timeline shows events in the order they happened, placed along a line. It helps you '
     'see what came first and how far apart events were.',
     'Why might a historian use a timeline?'),
    ('a primary source',
     'A primary source is a first-hand record from the time being studied, such as a diary, a '
     'letter or a photograph.',
     'Is a modern textbook a primary source?'),
    ('latitude and longitude',
     'Latitude and longitude are imaginary lines used to find places on Earth. Latitude '
     'measures north or south of the equator, longitude east or west of the prime meridian.',
     'Which one tells you how far north a place is?'),
    ('a negative number',
     'A negative number is less than zero, written with a minus sign, like minus 3. You see '
     'them on thermometers when it is below freezing.',
     'Which is colder, minus 5 degrees or minus 2 degrees?'),
    ('place value',
     "Place value means a digit's value depends on its position. In 352, the 3 means three "
     'hundreds, the 5 means five tens and the 2 means two ones.',
     'What does the 5 mean in 507?'),
    ('a multiple',
     'A multiple of a number is what you get when you multiply it by a whole number. The '
     'multiples of 4 are 4, 8, 12, 16 and so on.',
     'Can you list the first three multiples of 6?'),
    ('a factor',
     'A factor of a number divides into it exactly, with nothing left over. The factors of 12 '
     'are 1, 2, 3, 4, 6 and 12.',
     'Is 5 a factor of 12?'),
    ('an angle',
     'An angle is the amount of turn between two lines that meet at a point. It is measured in'
     ' degrees, and a right angle is 90 degrees.',
     'Is an angle of 120 degrees bigger or smaller than a right angle?'),
    ('a function in math',
     'A function is a rule that takes an input and gives exactly one output. For example, the '
     "rule 'double it' turns 3 into 6.",
     "What would 'double it' turn 10 into?"),
    ('a habitat',
     'A habitat is the natural home of a living thing, where it finds food, water and shelter.'
     " A polar bear's habitat is the icy Arctic.",
     'What would a fish need from its habitat?'),
    ('adaptation',
     'An adaptation is a feature that helps a living thing survive in its habitat, like a '
     "camel's hump storing fat or a cactus's thick stem storing water.",
     'Can you think of an adaptation that helps a duck swim?'),
    ('renewable energy',
     'Renewable energy comes from sources that do not run out, like sunlight, wind and flowing'
     ' water, unlike coal or oil, which take millions of years to form.',
     'Why is wind called a renewable source?'),
    ('recycling',
     'Recycling turns used materials, like paper, glass and plastic, into new products, which '
     'saves resources and reduces waste.',
     'Can you name something at home that can be recycled?'),
    ('an algorithm',
     'An algorithm is a clear, step-by-step set of instructions for solving a problem or doing'
     ' a task. A recipe is a kind of algorithm.',
     'Can you describe brushing your teeth as an algorithm?'),
    ('a computer program',
     'A computer program is a set of instructions, written in a programming language, that '
     'tells a computer what to do.',
     'How is a program like a recipe?'),
    ('a loop in programming',
     'A loop repeats a set of instructions, either a fixed number of times or until a '
     'condition is met, so you do not have to write the same steps again and again.',
     'When might a game use a loop?'),
    ('the internet',
     'The internet is a worldwide network of connected computers that share information using '
     'common rules called protocols.',
     'How is the internet different from a single computer?'),
    ('a haiku',
     'A haiku is a short Japanese form of poem with three lines, traditionally of five, seven '
     'and five syllables, often about nature.',
     'How many syllables go in the middle line?'),
    ('the past tense',
     'The past tense describes actions that already happened. Many verbs add -ed, like walk to'
     ' walked, but some change, like go to went.',
     "What is the past tense of 'eat'?"),
    ('punctuation',
     'Punctuation marks, like full stops, commas and question marks, show where sentences end,'
     ' where to pause and how to read them.',
     'Which mark would you put at the end of a question?'),
    ('a synonym',
     'A synonym is a word that means the same or nearly the same as another word, like big and'
     ' large.',
     'Can you think of a synonym for happy?'),
    ('an antonym',
     'An antonym is a word with the opposite meaning, like hot and cold, or up and down.',
     'What is an antonym of fast?'),
    ("the Moon's phases",
     "The Moon's phases are the changing shapes we see as the Moon orbits Earth. We always see"
     ' the half lit by the Sun from a different angle, from new moon to full moon and back.',
     'What do we call it when we see the whole lit side?'),
    ('a season',
     'Seasons happen because Earth is tilted. As it orbits the Sun, each half of Earth leans '
     'toward the Sun for part of the year, getting more direct sunlight and summer.',
     'When it is summer in the north, what season is it in the south?'),
    ('an immune system',
     "The immune system is the body's defence against germs. White blood cells find and fight "
     'bacteria and viruses, and vaccines train it to recognise them.',
     'How do you think a vaccine helps the immune system?'),
]
