"""Word lists for names, titles and free text."""

from __future__ import annotations

FIRST_NAMES = (
    "Aaliyah", "Adam", "Adrian", "Aiko", "Alex", "Alice", "Amara", "Amelia", "Ana", "Andre", "Anna", "Arjun",
    "Ben", "Bianca", "Carla", "Carlos", "Chen", "Chloe", "Chris", "Clara", "Daniel", "David", "Diego", "Elena",
    "Elif", "Ella", "Emil", "Emily", "Emma", "Erik", "Ethan", "Fatima", "Felix", "Fiona", "Grace", "Hana",
    "Hannah", "Haruto", "Henry", "Ines", "Isaac", "Isabel", "Jack", "James", "Jana", "Javier", "Jin", "Johan",
    "Jonas", "Julia", "Kai", "Karim", "Kate", "Kenji", "Laura", "Leah", "Leon", "Liam", "Lina", "Lucas", "Lucia",
    "Luis", "Maja", "Marco", "Maria", "Mark", "Maya", "Mei", "Mia", "Michael", "Mila", "Mohammed", "Nadia",
    "Naomi", "Nathan", "Nina", "Noah", "Olivia", "Omar", "Oscar", "Paul", "Pedro", "Priya", "Rafael", "Rahul",
    "Ravi", "Rosa", "Ruth", "Ryan", "Sakura", "Samuel", "Sara", "Sofia", "Sophie", "Tom", "Valentina", "Victor",
    "Wei", "Yuki", "Zara", "Zoe",
)
LAST_NAMES = (
    "Abe", "Adams", "Ahmed", "Alvarez", "Andersen", "Bauer", "Becker", "Bernard", "Brown", "Campbell", "Chen",
    "Clarke", "Costa", "Dubois", "Evans", "Fischer", "Fernandez", "Garcia", "Gonzalez", "Gupta", "Hansen",
    "Hoffmann", "Hughes", "Ito", "Jansen", "Jensen", "Johnson", "Kato", "Khan", "Kim", "Klein", "Kowalski",
    "Kumar", "Larsen", "Laurent", "Lee", "Lopez", "Martin", "Martinez", "Meyer", "Miller", "Moreau", "Muller",
    "Murphy", "Nakamura", "Nguyen", "Novak", "OBrien", "Olsen", "Park", "Patel", "Perez", "Peters", "Rossi",
    "Ruiz", "Sato", "Schmidt", "Schneider", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Thomas",
    "Torres", "Vogel", "Wagner", "Walker", "Wang", "Weber", "Williams", "Wilson", "Wright", "Yamamoto", "Young",
    "Zhang", "Zimmermann",
)
COMPANY_STEMS = (
    "Acme", "Aether", "Alder", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Birch", "Bluepeak", "Bright",
    "Cascade", "Cedar", "Cobalt", "Compass", "Copper", "Crest", "Delta", "Ember", "Evergreen", "Falcon", "Fjord",
    "Granite", "Harbor", "Helix", "Horizon", "Indigo", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Meridian",
    "Nimbus", "Northwind", "Nova", "Oak", "Orbit", "Pacific", "Pinnacle", "Prism", "Quartz", "Redwood", "Ridge",
    "River", "Sable", "Sage", "Sierra", "Silver", "Solstice", "Spruce", "Summit", "Terra", "Tidal", "True",
    "Vector", "Vertex", "Willow", "Zenith", "Zephyr",
)
COMPANY_WORDS = {
    "Software": ("Labs", "Software", "Systems", "Cloud", "Digital"),
    "Financial Services": ("Capital", "Financial", "Bank", "Payments", "Partners"),
    "Healthcare": ("Health", "Medical", "Care", "Clinics", "Bio"),
    "Retail": ("Retail", "Stores", "Outfitters", "Market", "Brands"),
    "Manufacturing": ("Manufacturing", "Industries", "Works", "Components", "Machines"),
    "Education": ("Learning", "Academy", "Education", "Institute", "Schools"),
    "Media": ("Media", "Studios", "Publishing", "Broadcast", "Creative"),
    "Professional Services": ("Consulting", "Advisory", "Group", "Associates", "Solutions"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport", "Supply"),
    "Hospitality": ("Hotels", "Hospitality", "Resorts", "Travel", "Dining"),
    "Non-profit": ("Foundation", "Trust", "Alliance", "Society", "Fund"),
}
LEGAL_SUFFIX = {
    "US": ("Inc.", "LLC", "Corp."), "CA": ("Inc.", "Ltd."), "GB": ("Ltd", "plc"), "IE": ("Ltd", "DAC"),
    "DE": ("GmbH", "AG"), "FR": ("SAS", "SA"), "NL": ("B.V.", "N.V."), "ES": ("S.L.", "S.A."),
    "JP": ("K.K.", "Co., Ltd."), "AU": ("Pty Ltd",), "SG": ("Pte. Ltd.",), "BR": ("Ltda.", "S.A."),
}
TLD = {"US": "com", "CA": "ca", "GB": "co.uk", "IE": "ie", "DE": "de", "FR": "fr", "NL": "nl", "ES": "es",
       "JP": "co.jp", "AU": "com.au", "SG": "sg", "BR": "com.br"}
REGIONS = ("EMEA", "APAC", "Americas", "North America", "Europe", "UK", "Germany", "France", "Japan", "Nordics")

SPONSOR_TITLES = ("VP Operations", "Chief Operating Officer", "VP Customer Experience", "Director of Analytics",
                  "Chief Revenue Officer", "Head of Digital")
CHAMPION_TITLES = ("Operations Manager", "Analytics Lead", "Head of Business Intelligence", "Program Manager",
                   "Senior Analyst", "Product Operations Lead")
BILLING_TITLES = ("Finance Manager", "Accounts Payable Specialist", "Procurement Manager")
OTHER_TITLES = ("Data Analyst", "Marketing Manager", "Sales Operations Analyst", "IT Administrator",
                "Customer Success Manager", "Project Coordinator", "Engineer")
DEPARTMENTS = ("Operations", "Marketing", "Sales", "Customer Success", "Finance", "IT", "Product", "Analytics")

CSM_TITLES = ("Customer Success Manager", "Senior Customer Success Manager")

NPS_COMMENTS = {
    "promoter": ("Great product, the dashboards save us hours every week.", "Support is fast and helpful.",
                 "Automations changed how our team works.", "Easy to roll out to new teammates.",
                 "Love the reporting, would recommend to peers."),
    "passive": ("Does the job, a few features are missing.", "Good overall, pricing is a bit high.",
                "Works well but onboarding new users takes time.", "Solid, though exports could be faster."),
    "detractor": ("Too many bugs lately.", "Hard to get value, adoption in our team is low.",
                  "Support took days to answer our escalation.", "Considering alternatives, pricing vs value.",
                  "Integrations keep breaking."),
}
CSAT_COMMENTS = {
    "good": ("Resolved quickly, thanks!", "Agent was very knowledgeable.", "Clear answer, issue fixed."),
    "bad": ("Took far too long.", "Had to explain the issue three times.", "Problem is not really solved."),
}
