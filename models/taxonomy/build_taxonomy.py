"""Build the bundled skill taxonomy, models/taxonomy/skills.csv.

Sources (see README.md in this folder for licences and attribution):
- O*NET 29.2 "Technology Skills.txt": software/technology examples with Hot Technology / In Demand flags.
  Only examples that job postings plausibly name are kept (hot, in demand, used by >= 3 occupations, or
  developer/data tooling used by >= 2), and names are cleaned ("Amazon Web Services AWS software" -> "AWS").
- ESCO: a hand-picked set of knowledge/transversal skills that postings name by surface form
  ("machine learning", "project management"), keyed by their ESCO URI.
- Curated concepts and tools that neither source names usably (LLMs, CI/CD, dbt, Snowflake ...).
- aliases.csv: hand-written surface forms (k8s -> Kubernetes, Postgres -> PostgreSQL ...).

Run: python -m models.taxonomy.build_taxonomy [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[2] / "shared" / "data"
ONET_FILE = Path("onet") / "Technology Skills.txt"
ONET_PROSE_FILES = {Path("onet") / "Task Statements.txt": "Task", Path("onet") / "Occupation Data.txt": "Description"}
ESCO_FILE = Path("esco") / "esco_skills_label_alt_desc.csv"
ESCO_URI_PREFIX = "http://data.europa.eu/esco/skill/"
OUTPUT_COLUMNS = ["skill_id", "name", "taxonomy", "taxonomy_id", "category", "hot", "aliases"]

# Commodity classes that are mostly developer, data and IT tooling: one more occupation than usual suffices there.
TECH_COMMODITIES = {
    "Development environment software", "Object or component oriented development software",
    "Web platform development software", "Data base management system software", "Operating system software",
    "Configuration management software", "Program testing software", "Application server software",
    "Data mining software", "Business intelligence and data analysis software",
    "Cloud-based data access and sharing software", "Cloud-based management software",
    "Enterprise application integration software", "Network monitoring software",
    "Transaction security and virus protection software", "File versioning software",
    "Object oriented data base management software", "Graphical user interface development software",
    "Requirements analysis and system architecture software", "Compiler and decompiler software",
    "Web page creation and editing software", "Data base user interface and query software",
    "Data base reporting software", "Cloud-based protection or security software", "Clustering software",
}
MIN_OCCUPATIONS = 3
MIN_OCCUPATIONS_TECH = 2

# O*NET examples whose cleaned name would be awkward or not what postings say. Listed examples are always kept.
NAME_OVERRIDES = {
    "Oracle Java": "Java",
    "Google Angular": "Angular",
    "Atlassian JIRA": "Jira",
    "Atlassian Confluence": "Confluence",
    "Atlassian Bitbucket": "Bitbucket",
    "The MathWorks MATLAB": "MATLAB",
    "IBM Terraform": "Terraform",
    "Rust programming language": "Rust",
    "Objective C": "Objective-C",
    "Microsoft Azure software": "Microsoft Azure",
    "Google Cloud software": "Google Cloud Platform",
    "Amazon Web Services AWS software": "AWS",
    "Amazon Elastic Compute Cloud EC2": "Amazon EC2",
    "Amazon Simple Storage Service S3": "Amazon S3",
    "Amazon Elastic Container Service ECS": "Amazon ECS",
    "Amazon Web Services AWS CloudFormation": "AWS CloudFormation",
    "Amazon Web Services AWS SageMaker": "Amazon SageMaker",
    "AWS Elastic MapReduce (EMR)": "Amazon EMR",
    "Jenkins CI": "Jenkins",
    "Hypertext preprocessor PHP": "PHP",
    "Scikit-learn": "scikit-learn",
    "StataCorp Stata": "Stata",
    "ESRI ArcGIS software": "ArcGIS",
    "Esri ArcGIS": "ArcGIS",
    "OpenAI ChatGPT": "ChatGPT",
    "Google Looker Analytics": "Looker",
    "Grafana Labs Grafana Cloud": "Grafana",
    "Unreal Technology Unreal Engine": "Unreal Engine",
    "Unity Technologies Unity": "Unity",
    "Dassault Systemes SolidWorks": "SolidWorks",
    "Dassault Systemes CATIA": "CATIA",
    "Trimble SketchUp Pro": "SketchUp",
    "Microsoft Windows PowerShell": "PowerShell",
    "Microsoft PowerShell": "PowerShell",
    "RESTful API": "REST APIs",
    "Microsoft .NET Framework": ".NET",
    "Microsoft ASP.NET": "ASP.NET",
    "Microsoft ASP.NET Core MVC": "ASP.NET Core MVC",
    "Microsoft Visual Basic for Applications VBA": "VBA",
    "Microsoft Internet Information Services (IIS)": "IIS",
    "Open Graphics Library OpenGL": "OpenGL",
    "National Instruments LabVIEW": "LabVIEW",
    "MathWorks Simulink": "Simulink",
    "Google Android": "Android",
    "Apple iOS": "iOS",
    "Apple macOS": "macOS",
    "Microsoft Power BI": "Power BI",
    "Apache Subversion SVN": "Subversion",
    "Red Hat OpenShift": "OpenShift",
    "Ansible software": "Ansible",
    "Red Hat Ansible Engine": "Ansible",
    "Splunk Enterprise": "Splunk",
    "Hibernate ORM": "Hibernate",
    "Eclipse IDE": "Eclipse",
    "UNIX": "Unix",
    "UNIX Shell": "Unix shell",
    "React Redux": "Redux",
    "Jupyter Notebook": "Jupyter",
    "Jupyter software": "Jupyter",
    "Amazon Kinesis": "Amazon Kinesis",
    "RabbitMQ": "RabbitMQ",
    "Solidity": "Solidity",
    "spaCy": "spaCy",
    "Verilog": "Verilog",
    "SystemVerilog": "SystemVerilog",
    "Very high-speed integrated circuit VHSIC hardware description language VHDL": "VHDL",
    "QGIS": "QGIS",
    "KiCad": "KiCad",
    "Altium Designer": "Altium Designer",
    "COMSOL Multiphysics": "COMSOL Multiphysics",
    "Blender": "Blender",
    "Lucidchart": "Lucidchart",
    "Microsoft Power Automate": "Power Automate",
    "Microsoft Hyper-V Server": "Hyper-V",
    "Keras": "Keras",
    "PyTorch": "PyTorch",
    "Apache Airflow": "Apache Airflow",
    "BigQuery": "BigQuery",
    "Prometheus": "Prometheus",
    "Postman": "Postman",
    "Kotlin": "Kotlin",
    "Haskell": "Haskell",
    "Julia": "Julia",
    "React Native": "React Native",
    "webpack": "webpack",
    "Autodesk Fusion 360": "Fusion 360",
    "MailChimp": "Mailchimp",
    "Google Ads": "Google Ads",
    "Adobe Analytics": "Adobe Analytics",
    "Adobe XD": "Adobe XD",
    "Asana": "Asana",
    "Flask": "Flask",
    "NumPy": "NumPy",
    "SciPy": "SciPy",
    "SQLite": "SQLite",
    "Travis": "Travis CI",
    "JavaScript Object Notation JSON": "JSON",
    "Oracle Java 2 Platform Enterprise Edition J2EE": "Java EE",
    "Oracle JavaServer Pages JSP": "JSP",
    "Design of experiments DOE software": "Design of experiments",         # "DOE": Department of Energy
    "Reliability centered maintenance RCM software": "Reliability centered maintenance",  # "RCM": revenue cycle
    "Microservices Architecture": "Microservices",
}

# O*NET examples that clean to something that misleads in postings (an ambiguous acronym or a generic word).
ONET_EXCLUDED = {
    "Component object model COM software",  # "COM"
    "Electronic Time Clock ETC",            # "ETC"
    "Interstate connection ICON",           # "ICON"
    "Practice management software PMS",    # "PMS", two unrelated expansions
    "Property management system PMS software",
    "Kodak Dental Systems Kodak SOFTDENT Practice management software PMS",
    "Management information systems MIS",
    "Operational Data Store ODS software",
    "Traverse PC",
    "Exact MAX",
    "Experience in Software Webplanner",    # a product literally named "Experience in ..."
    "Facebook", "YouTube", "TikTok", "LinkedIn", "Instagram", "Twitter", "Pinterest",  # social sites, not skills
    "Web browser software", "Email software", "Anti-spyware software", "Antivirus software",
    "Biofeedback software", "Blogging software", "Chatbot software", "Crystallography software",
    "Disassembler software", "Encoder software", "Teleconferencing software", "Videoconferencing software",
    "Wiki software", "Label-making software", "Google", "Myspace", "Snapchat", "Tumblr", "Squeegee", "Compilers",
    "Debuggers", "Honeypot", "Ethereal", "Tadpoles", "Seesaw", "Blink", "Bloomz", "Eko", "J",
    "Encoded archival system EAD",          # "EAD" is the US work permit in postings
    "Automate the Schools ATS",             # "ATS" is the applicant tracking system in postings
    # concepts that the ESCO selection names better
    "Customer relationship management CRM software", "Moz search engine optimization SEO software",
}

# Vendor prefixes: "Apache Kafka" also gets the alias "Kafka".
VENDORS = (
    "Amazon Web Services AWS", "Amazon Web Services", "Amazon", "AWS", "Microsoft", "Oracle", "Google",
    "Apache", "Atlassian", "IBM", "Adobe", "Autodesk", "Apple", "Red Hat", "The MathWorks", "MathWorks",
    "Dassault Systemes", "Intuit", "Cisco", "Trimble", "Bentley", "ESRI", "Esri", "JetBrains", "Hewlett-Packard",
    "Hewlett Packard", "National Instruments", "Corel", "StataCorp", "Grafana Labs", "OpenAI", "Meta", "VMware",
    "Salesforce.com", "SAP", "Informatica", "Teradata",
)
# Vendor-stripped names that are plain English words or categories; never aliases on their own.
GENERIC_REMAINDERS = {
    "analytics", "database", "docs", "sheets", "project", "office", "dynamics", "cloud", "notes", "publisher",
    "forms", "calendar", "drive", "maps", "search", "server", "earth", "slides", "chrome", "edge", "photos",
    "meet", "keep", "sites", "data pipeline", "java", "concur", "workspace", "mail", "bookings", "lists",
    "planner", "stream", "paint", "sway", "to do", "loop", "clipchamp", "erp", "crm", "hris", "hr",
}

# (ESCO URI suffix, ESCO preferred label, display name, category). The display name is what the extractor
# matches; the ESCO label is added as an alias when it differs.
ESCO_SELECTION = [
    ("3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43", "machine learning", "Machine learning", "data & AI"),
    ("ecc4552a-92c5-4222-b18d-faf5ac841080", "deep learning", "Deep learning", "data & AI"),
    ("5608d5a0-6d5e-43b7-be37-616501729bb4", "artificial neural networks", "Neural networks", "data & AI"),
    ("fff0e2cd-d0bd-4b02-9daf-158b79d9688a", "natural language processing", "Natural language processing",
     "data & AI"),
    ("7b0d5000-00da-4864-b776-6de49a87a669", "computer vision", "Computer vision", "data & AI"),
    ("25f0ea33-b4a2-4f31-b7b4-7d20e827b180", "data mining", "Data mining", "data & AI"),
    ("97bd1c21-66b2-4b7e-ad0f-e3cda590e378", "data analytics", "Data analytics", "data & AI"),
    ("2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f", "perform data analysis", "Data analysis", "data & AI"),
    ("7ee4c2ea-b349-4bd2-81a3-ec31475d4833", "statistics", "Statistics", "data & AI"),
    ("143769cb-b61e-47d8-a61e-eedfbec1016c", "business intelligence", "Business intelligence", "data & AI"),
    ("fecf8a0d-62c4-4e71-9b03-0f4fc2ad7bf5", "data models", "Data modelling", "data & AI"),
    ("3ec2e4d6-7000-4905-bf1a-c5b1679416de", "data warehouse", "Data warehousing", "data & AI"),
    ("47a49cd6-097d-457a-9f7b-c290c14930d5", "analyse big data", "Big data", "data & AI"),
    ("348b74cd-49ce-4844-8bdf-ec188b497213", "visual presentation techniques", "Data visualization", "data & AI"),
    ("b0a3bb25-a02f-43ed-ab1f-994fa66a424a", "online analytical processing", "OLAP", "data & AI"),
    ("38d49d88-9069-467b-b29e-3cae739bdd4d", "build predictive models", "Predictive modelling", "data & AI"),
    ("cc7370dd-69fa-4c67-a96f-d4d135d38700", "data quality assessment", "Data quality", "data & AI"),
    ("c5e8abde-d2ba-4e8e-a65e-720b71180666", "unstructured data", "Unstructured data", "data & AI"),
    ("696e3b5b-8b61-45af-ae4c-3ab700f197ec", "information extraction", "Information extraction", "data & AI"),
    ("bd14968e-e409-45af-b362-3495ed7b10e0", "cloud technologies", "Cloud computing", "software engineering"),
    ("897b393f-e7e0-4248-a40d-d77119694e83", "distributed computing", "Distributed systems",
     "software engineering"),
    ("f0de4973-0a70-4644-8fd4-3a97080476f4", "DevOps", "DevOps", "software engineering"),
    ("dba46f87-0831-49cd-a1c7-340a653c0221", "Agile development", "Agile development", "software engineering"),
    ("21d2f96d-35f7-4e3f-9745-c533d2dd6e97", "computer programming", "Computer programming",
     "software engineering"),
    ("54924a2c-daca-40d3-9716-4b38ceb04f38", "algorithms", "Algorithms", "software engineering"),
    ("5b9cde20-f1b9-4adc-bfb3-dbf70b14138d", "use object-oriented programming", "Object-oriented programming",
     "software engineering"),
    ("d31fab87-2a7d-485c-b699-2901ca294b15", "use functional programming", "Functional programming",
     "software engineering"),
    ("2450c3b3-e78e-435b-b84d-e05d984e71dc", "software architecture models", "Software architecture",
     "software engineering"),
    ("85f46538-ae70-498a-bfbc-b8ddafe96c7d", "levels of software testing", "Software testing",
     "software engineering"),
    ("7961413f-61d0-4722-9cd9-20a050a29899", "perform software unit testing", "Unit testing",
     "software engineering"),
    ("ea412de3-9d7a-4943-8d8c-c6d3c7495d0e", "execute integration testing", "Integration testing",
     "software engineering"),
    ("69bbd53f-fbb0-4476-b4b2-ef7844464e28", "web programming", "Web development", "software engineering"),
    ("2180bd8c-86de-4889-8165-adac902eee9d", "embedded systems", "Embedded systems", "software engineering"),
    ("4f7fa632-15a6-4739-930b-abbac8055a80", "firmware", "Firmware", "software engineering"),
    ("f9a6f35b-01a7-40c9-8b61-b6ee46f97272", "operating systems", "Operating systems", "software engineering"),
    ("9d2e926f-53d9-41f5-98f3-19dfaa687f3f", "tools for software configuration management", "Version control",
     "software engineering"),
    ("b8c01891-e3df-4a4b-948d-95b45e1788f5", "mobile device software frameworks", "Mobile development",
     "software engineering"),
    ("a57a54b6-2f2e-43e4-9621-b52f4a63cb08", "LDAP", "LDAP", "software engineering"),
    ("c7d24594-0c11-4b27-9039-fe0bb903da8e", "LINQ", "LINQ", "software engineering"),
    ("5da8018b-ae85-4cde-ad93-0394369018f3", "SPARQL", "SPARQL", "software engineering"),
    ("e87ec79a-c9ff-46f5-84fa-7a0f394cdf40", "robotics", "Robotics", "engineering & science"),
    ("abdc7ac8-151f-40c6-bc1a-1e9b4b073290", "augmented reality", "Augmented reality", "engineering & science"),
    ("5da42cfd-1da8-4e4f-b68e-4f821d005fc5", "virtual reality", "Virtual reality", "engineering & science"),
    ("4339176e-3acd-4f7f-a5d9-445bee3d23f2", "mathematics", "Mathematics", "engineering & science"),
    ("692ace70-7f97-4214-92bd-88f7637d8a44", "physics", "Physics", "engineering & science"),
    ("a261c61a-29b8-4b6a-a283-e5a7d5077352", "biostatistics", "Biostatistics", "engineering & science"),
    ("8088750d-8388-4170-a76f-48354c469c44", "cyber security", "Cybersecurity", "security"),
    ("d32db06e-bd06-4415-a7ab-1b0ee68caa9a", "ICT encryption", "Encryption", "security"),
    ("de586dcf-d7e5-4340-bf5b-d59026f1b436", "penetration testing tool", "Penetration testing", "security"),
    ("11eebd42-44ab-401d-8a2c-bdb9fc9beb50", "information security strategy", "Information security strategy",
     "security"),
    ("a4346013-a967-4a58-a533-6b32ad1364c5", "data protection", "Data protection", "security"),
    ("d3e9b00a-0891-4fa8-836d-8240ec3d2758", "GDPR", "GDPR", "security"),
    ("df64a7cc-2e96-4304-95d3-56fe0ac2dd39", "design thinking", "Design thinking", "product & design"),
    ("7fb699d9-182a-430e-b7a0-6d8ed05c284b", "graphic design", "Graphic design", "product & design"),
    ("fd33c66c-70c4-40e6-b87c-5495bd3bf26e", "design user interface", "UI design", "product & design"),
    ("f0f5bb34-71df-4715-9c9e-03567b76ec8f", "create website wireframe", "Wireframing", "product & design"),
    ("ed1d8bd4-cd2a-4c64-b665-56d70651026c", "Prototyping development", "Prototyping", "product & design"),
    ("95ee5e38-5c1e-4cd2-a21d-6921390025a9", "usability engineering", "Usability testing", "product & design"),
    ("1bba98a7-92b9-450b-9235-e0c905f8f3c4", "information architecture", "Information architecture",
     "product & design"),
    ("29fb886c-6be0-4e93-9ea1-232881f2092a", "plan product management", "Product management",
     "product & design"),
    ("7111b95d-0ce3-441a-9d92-4c75d05c4388", "project management", "Project management", "business"),
    ("0a9acb6b-1139-4be9-b431-3a80a959f2f4", "Agile project management", "Agile project management", "business"),
    ("7106b5df-e017-4c28-8c40-98814db5b775", "Prince2 project management", "PRINCE2", "business"),
    ("6eff134b-e34f-4d6e-a6e8-5e47cf2228d0", "risk management", "Risk management", "business"),
    ("c7cc6dc5-d56b-4323-8e5c-47c4022f615f", "quality assurance methodologies", "Quality assurance", "business"),
    ("4c2c72df-3f3f-48e7-9993-a602354a75e4", "six sigma methods", "Six Sigma", "business"),
    ("82fea746-853f-4f1b-8ab7-55de8619cccd", "lean manufacturing", "Lean manufacturing", "business"),
    ("f929c89e-c363-4132-a918-e021d57b307c", "supply chain management", "Supply chain management", "business"),
    ("dc9a236c-c640-43c3-812f-269403591edb", "customer relationship management",
     "Customer relationship management", "business"),
    ("15a33d76-4640-438d-ae64-fdc0c1d3eebc", "customer service", "Customer service", "business"),
    ("633a3637-2c6b-40ae-ac38-289eb2a62aa6", "business analysis", "Business analysis", "business"),
    ("98301d4a-2cc3-439d-8d7f-0b6ac76302bb", "business process modelling", "Business process modelling",
     "business"),
    ("bd698bbe-7003-4508-b422-46c2ff4d5e95", "business strategy concepts", "Business strategy", "business"),
    ("3c03ee71-4a23-448f-b79e-81fd75d27dca", "apply change management", "Change management", "business"),
    ("1af2db15-2af9-44dd-9639-bf1fc69d4c34", "manage relationships with stakeholders", "Stakeholder management",
     "business"),
    ("e7219848-a27a-4bf4-8775-d367707be7c9", "sales strategies", "Sales strategy", "business"),
    ("496932f1-0b6b-4f73-9432-d95c7ddcd43b", "recruit employees", "Recruiting", "business"),
    ("9d916d7c-89b3-4084-a6d9-e2b0b3091404", "manage payroll", "Payroll", "finance"),
    ("8770350e-746f-4adb-9556-18ca68104be6", "market research", "Market research", "marketing"),
    ("eda4d727-4374-49af-ace4-118c7c906835", "search engine optimisation", "Search engine optimization",
     "marketing"),
    ("43dfbe7f-9e10-4871-b171-e5076737b4cf", "digital marketing techniques", "Digital marketing", "marketing"),
    ("509909a2-4a8f-4ead-8ad0-968df63b77cc", "social media marketing techniques", "Social media marketing",
     "marketing"),
    ("b0560439-14eb-41d1-aa53-1938efc24123", "content marketing strategy", "Content marketing", "marketing"),
    ("36931cb7-ca3f-4be1-8428-f38eefc8e1ed", "execute email marketing", "Email marketing", "marketing"),
    ("9242ad54-dc3d-41b3-9cfe-142fa8582511", "brand marketing techniques", "Brand marketing", "marketing"),
    ("5bbaa0e6-0fd7-4df2-9db7-34f78b40dc34", "marketing management", "Marketing management", "marketing"),
    ("1605025e-a179-421f-8f35-5b07d182a6b2", "web analytics", "Web analytics", "marketing"),
    ("ce592b28-4467-4908-b2e6-64bbe18da631", "perform copywriting", "Copywriting", "marketing"),
    ("1c460d2d-90c6-4fc9-ad49-febb6e15605a", "pricing strategies", "Pricing strategy", "marketing"),
    ("99571e68-801f-49af-a897-5f75996642e1", "financial analysis", "Financial analysis", "finance"),
    ("4b2db903-cd8e-48ce-97fb-a92db4def54e", "financial forecasting", "Financial forecasting", "finance"),
    ("52e53619-fa77-4f72-b237-5e4aae784dc2", "financial management", "Financial management", "finance"),
    ("4a460161-eaea-4fe2-bd0e-164ccc635be1", "financial statements", "Financial statements", "finance"),
    ("74688c5d-2af1-4f7a-9d1c-00e808eaa1e6", "budgetary principles", "Budgeting", "finance"),
    ("ecc18804-a466-40d9-98b4-fba5cd67dd4b", "accounting", "Accounting", "finance"),
    ("88af9294-b697-4687-ae19-aefbb6234dfa", "economics", "Economics", "finance"),
    ("7cacd304-996d-47d1-88ef-4ddb9ce102bd", "microeconomics", "Microeconomics", "finance"),
    ("773e217c-8b21-4d8c-b384-68752a2243a9", "quantitative risk analysis techniques", "Quantitative risk analysis",
     "finance"),
    ("495ce586-09d7-4cec-83d7-2821be6590c4", "smart contract programming languages", "Smart contracts",
     "software engineering"),
    ("55514865-3066-4abd-86a9-dbe45a440882", "root cause analysis", "Root cause analysis", "transversal"),
    ("d5145a9a-602e-40bf-b3e1-f04cf9c3ef86", "leadership principles", "Leadership", "transversal"),
    ("60c78287-22eb-4103-9c8c-28deaa460da0", "work in teams", "Teamwork", "transversal"),
    ("15d76317-c71a-4fa2-aadc-2ecc34e627b7", "communication", "Communication skills", "transversal"),
    ("7dd94ad3-13d6-43fe-8b94-51fcbf67ced9", "think critically", "Critical thinking", "transversal"),
    ("03b9b491-fc9b-4868-914a-bf7cd47b5041", "create solutions to problems", "Problem solving", "transversal"),
    ("28722c99-68b7-4b7b-808f-53f343299935", "provide mentorship", "Mentoring", "transversal"),
    ("c6c1af60-9594-460c-a328-00f9ad292be0", "coaching techniques", "Coaching", "transversal"),
    ("8316979b-df5a-4dc7-98ef-61ec6a10df84", "conduct quantitative research", "Quantitative research",
     "transversal"),
    ("fa465db3-56e8-4b5d-a781-e2a313a4ed2d", "conduct qualitative research", "Qualitative research",
     "transversal"),
    ("6d3edede-8951-4621-a835-e04323300fa0", "English", "English", "languages"),
    ("4812a4ea-dc55-4dc6-b9b0-4a59bba2c647", "German", "German", "languages"),
    ("e747e77e-0ea1-4001-8b07-1d11946b5f1b", "French", "French", "languages"),
    ("14ee9f76-3524-43d5-8a1a-5ba8283f8bd7", "Spanish", "Spanish", "languages"),
    ("cad4f44b-28a8-4448-86e5-7389e5ebf3eb", "Dutch", "Dutch", "languages"),
    ("87219dfe-a21c-4160-8cc8-1eabf9b16b44", "Italian", "Italian", "languages"),
    ("584c13e8-fd06-4ca3-a45b-cca5b2f147a7", "Portuguese", "Portuguese", "languages"),
    ("1fe42b38-cd42-4fc7-ae77-14e4c9e96295", "Chinese", "Chinese", "languages"),
    ("39c675c4-af13-49db-bbed-cf762102f85e", "Japanese", "Japanese", "languages"),
    ("f3e9b964-0c2d-46c4-a895-8b3583054d69", "Polish", "Polish", "languages"),
    ("7b5cce4d-c7fe-4119-b48f-70aa05391787", "computer science", "Computer science", "engineering & science"),
    ("cfa2be0d-96d5-4017-a866-962efb9c5070", "signal processing", "Signal processing", "engineering & science"),
    ("e465a154-93f7-4973-9ce1-31659fe16dd2", "principles of artificial intelligence", "Artificial intelligence",
     "data & AI"),
]
# ESCO labels that read like task descriptions, not like anything a posting would write; never aliases.
ESCO_LABELS_NOT_ALIASES = {
    "use object-oriented programming", "use functional programming", "levels of software testing",
    "perform software unit testing", "execute integration testing", "design user interface",
    "create website wireframe", "Prototyping development", "plan product management",
    "manage relationships with stakeholders", "create solutions to problems", "think critically", "work in teams",
    "communication", "recruit employees", "manage payroll", "penetration testing tool", "analyse big data",
    "tools for software configuration management", "mobile device software frameworks", "build predictive models",
    "apply change management", "perform copywriting", "execute email marketing", "provide mentorship",
    "conduct quantitative research", "conduct qualitative research", "smart contract programming languages",
    "visual presentation techniques", "usability engineering", "data quality assessment", "ICT encryption",
}

# Concepts and tools that postings name often but neither source offers as a matchable name: (name, category).
CURATED_CONCEPTS = [
    ("Large language models", "data & AI"), ("Generative AI", "data & AI"), ("Prompt engineering", "data & AI"),
    ("Retrieval-augmented generation", "data & AI"), ("Reinforcement learning", "data & AI"),
    ("MLOps", "data & AI"), ("Feature engineering", "data & AI"), ("Data engineering", "data & AI"),
    ("Data pipelines", "data & AI"), ("ETL", "data & AI"), ("A/B testing", "data & AI"),
    ("Time series analysis", "data & AI"), ("Recommender systems", "data & AI"),
    ("Data science", "data & AI"), ("CI/CD", "software engineering"),
    ("Front-end development", "software engineering"), ("Back-end development", "software engineering"),
    ("Full-stack development", "software engineering"), ("Code review", "software engineering"),
    ("Pair programming", "software engineering"), ("Systems administration", "software engineering"),
    ("Requirements analysis", "business"), ("Disaster recovery", "software engineering"),
    ("Infrastructure as code", "software engineering"), ("Observability", "software engineering"),
    ("Site reliability engineering", "software engineering"), ("System design", "software engineering"),
    ("Event-driven architecture", "software engineering"), ("Test-driven development", "software engineering"),
    ("Internet of things", "engineering & science"), ("Blockchain", "engineering & science"),
    ("Kanban", "business"), ("Scrum", "business"), ("Go-to-market strategy", "business"),
    ("Business development", "business"), ("Account management", "business"), ("Negotiation", "transversal"),
    ("Time management", "transversal"), ("Technical writing", "transversal"), ("Public speaking", "transversal"),
    ("User experience design", "product & design"), ("User research", "product & design"),
    ("Financial modelling", "finance"),
]
CURATED_TOOLS = [
    ("Hugging Face", "data & AI"), ("LangChain", "data & AI"), ("MLflow", "data & AI"), ("Snowflake", "data & AI"),
    ("Databricks", "data & AI"), ("dbt", "data & AI"), ("Matplotlib", "data & AI"), ("Plotly", "data & AI"),
    ("CUDA", "data & AI"), ("gRPC", "software engineering"), ("GitHub Actions", "software engineering"),
    ("CircleCI", "software engineering"), ("Helm", "software engineering"), ("Argo CD", "software engineering"),
    ("Pulumi", "software engineering"), ("Datadog", "software engineering"), ("New Relic", "software engineering"),
    ("OpenTelemetry", "software engineering"), ("Nginx", "software engineering"),
    ("Next.js", "software engineering"), ("Svelte", "software engineering"), ("FastAPI", "software engineering"),
    ("Express.js", "software engineering"), ("NestJS", "software engineering"), ("Laravel", "software engineering"),
    ("Flutter", "software engineering"), ("Elixir", "software engineering"), ("Erlang", "software engineering"),
    ("Clojure", "software engineering"), ("WebAssembly", "software engineering"),
    ("Tailwind CSS", "software engineering"), ("Jest", "software engineering"), ("pytest", "software engineering"),
    ("Cypress", "software engineering"), ("Playwright", "software engineering"),
    ("Firebase", "software engineering"), ("ClickHouse", "software engineering"),
    ("DuckDB", "software engineering"), ("Linux kernel", "software engineering"),
    ("Zendesk", "business"), ("Notion", "business"), ("Trello", "business"), ("Miro", "product & design"),
]

ACRONYM = re.compile(r"^[A-Z][A-Z0-9&/.-]{1,7}$")
PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)\s*$")
INNER_CAPS_OR_DIGIT = re.compile(r"\b[A-Z]{2,}|[a-z][A-Z]|\d")  # looks like a product name: "DB2", "iOS", "SQL"


@dataclass
class Skill:
    name: str
    taxonomy: str
    taxonomy_id: str
    category: str
    hot: bool = False
    occupations: int = 0
    aliases: set[str] = field(default_factory=set)


@dataclass
class OnetExample:
    name: str
    commodity: str
    occupations: set[str] = field(default_factory=set)
    hot: bool = False
    in_demand: bool = False


def read_onet(path: Path) -> dict[str, OnetExample]:
    examples: dict[str, OnetExample] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            example = examples.setdefault(row["Example"], OnetExample(row["Example"], row["Commodity Title"]))
            example.occupations.add(row["O*NET-SOC Code"])
            example.hot |= row["Hot Technology"] == "Y"
            example.in_demand |= row["In Demand"] == "Y"
    return examples


def is_selected(example: OnetExample) -> bool:
    if example.name in ONET_EXCLUDED:
        return False
    if example.name in NAME_OVERRIDES or example.hot or example.in_demand:
        return True
    needed = MIN_OCCUPATIONS_TECH if example.commodity in TECH_COMMODITIES else MIN_OCCUPATIONS
    return len(example.occupations) >= needed


def name_key(name: str) -> str:
    """Names that differ only in case or hyphenation are one skill (the extractor treats '-' as a space)."""
    return " ".join(name.casefold().replace("-", " ").split())


def initials(words: list[str]) -> str:
    return "".join(part[0] for word in words for part in word.split("-") if part).upper()


def is_generic_phrase(words: list[str]) -> bool:
    """'Web browser', 'Structured query language': a description, not a product name."""
    return len(words) >= 2 and all(w.islower() or not w.isalpha() for w in words[1:]) and not any(
        INNER_CAPS_OR_DIGIT.search(w) for w in words)


def read_english_words(shared: Path) -> set[str]:
    """Lower-case words of O*NET's task and occupation prose: tells 'Payroll software' from 'Yardi software'."""
    words: set[str] = set()
    for relative, column in ONET_PROSE_FILES.items():
        with (shared / relative).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                words.update(re.findall(r"\b[a-z]+\b", row[column]))
    return words


def clean_onet_name(raw: str, hot: bool, english_words: set[str]) -> tuple[str, set[str]] | None:
    """Canonical name and aliases for an O*NET example; None for generic category names."""
    aliases: set[str] = set()
    words = raw.split()
    if len(words) > 1 and words[-1].lower() == "software":
        words.pop()
    elif len(words) > 2 and words[-2].lower() == "software" and ACRONYM.match(words[-1]):
        words.pop(-2)
    name = " ".join(words)
    parenthetical = PARENTHETICAL.search(name)
    if parenthetical:
        name = name[: parenthetical.start()]
        if ACRONYM.match(parenthetical.group(1)):
            aliases.add(parenthetical.group(1))
        words = name.split()

    if raw in NAME_OVERRIDES:
        canonical = NAME_OVERRIDES[raw]
        aliases.add(name)
        return canonical, aliases - {canonical}

    if len(words) >= 2 and ACRONYM.match(words[-1]):
        acronym, prefix = words[-1], words[:-1]
        letters = re.sub(r"[^A-Z]", "", acronym)
        expansion = prefix[-len(letters):] if len(letters) <= len(prefix) else []
        if is_generic_phrase(prefix):
            return acronym, aliases | {" ".join(prefix)}
        if expansion and initials(expansion) == letters:
            return acronym, aliases | {" ".join(expansion), " ".join(prefix)}
    if not hot and (is_generic_phrase(words) or len(words) == 1 and words[0].lower() in english_words
                    and not INNER_CAPS_OR_DIGIT.search(words[0]) and raw.endswith(" software")):
        return None

    vendor = next((v for v in VENDORS if name.startswith(v + " ")), None)
    if vendor:
        remainder = name[len(vendor) + 1:]
        if remainder.lower() not in GENERIC_REMAINDERS and (hot or INNER_CAPS_OR_DIGIT.search(remainder)):
            aliases.add(remainder)
    return name, aliases - {name}


def build_onet_skills(examples: dict[str, OnetExample], english_words: set[str]) -> list[Skill]:
    by_name: dict[str, Skill] = {}
    # Most widely used first, so a merged skill keeps the id and category of its main example.
    for example in sorted(examples.values(), key=lambda e: (-len(e.occupations), e.name)):
        if not is_selected(example):
            continue
        cleaned = clean_onet_name(example.name, example.hot, english_words)
        if cleaned is None:
            continue
        name, aliases = cleaned
        skill = by_name.get(name_key(name))
        if skill is None:
            skill = by_name[name_key(name)] = Skill(name, "onet", example.name, example.commodity)
        skill.hot |= example.hot
        skill.occupations += len(example.occupations)
        skill.aliases |= aliases
    return list(by_name.values())


def add_lowercase_spelling(concept: Skill) -> None:
    """The extractor matches a one-word name such as 'Statistics' only as spelled unless a lower-case
    spelling is listed; concepts are written in lower case mid-sentence."""
    if re.fullmatch(r"[A-Z][a-z]+", concept.name) and concept.category != "languages":  # "polish" isn't Polish
        concept.aliases.add(concept.name.lower())


def read_esco_descriptions(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row["description"] for row in csv.DictReader(handle)}


def build_esco_skills(descriptions: dict[str, str]) -> list[Skill]:
    skills = []
    for suffix, label, display, category in ESCO_SELECTION:
        uri = ESCO_URI_PREFIX + suffix
        description = descriptions.get(uri)
        if description is None or not description.startswith(label):
            raise ValueError(f"ESCO concept {uri} is missing or is no longer labelled {label!r}")
        skill = Skill(display, "esco", uri, category)
        if label not in ESCO_LABELS_NOT_ALIASES and label.casefold() != display.casefold():
            skill.aliases.add(label)
        skills.append(skill)
    return skills


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.replace("++", " plus plus ").replace("+", " plus ").replace("#", " sharp ")
    text = re.sub(r"^\.", "dot ", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_alias_table(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["alias"].strip(), row["skill"].strip()) for row in csv.DictReader(handle)
                if row["alias"].strip()]


def merge(sources: list[Skill], alias_table: list[tuple[str, str]]) -> list[Skill]:
    skills: dict[str, Skill] = {}
    duplicates = []
    for skill in sources:
        key = name_key(skill.name)
        if key in skills:
            duplicates.append(f"{skill.taxonomy} {skill.name!r} = {skills[key].taxonomy} {skills[key].name!r}")
        skills[key] = skill
    if duplicates:
        raise ValueError("names defined twice; drop them from the curated lists: " + "; ".join(duplicates))

    errors = [f"{alias!r} points at unknown skill {target!r}" for alias, target in alias_table
              if name_key(target) not in skills]
    errors += [f"{alias!r} is the name of another skill" for alias, target in alias_table
               if name_key(alias) in skills and name_key(alias) != name_key(target)]
    if errors:
        raise ValueError("aliases.csv: " + "; ".join(errors))

    # An alias names one skill (spellings that differ in case or hyphens only are one alias): the curated table
    # decides first, then the skill that has it as its name, then the most used skill.
    claimed: dict[str, Skill] = dict(skills)
    claimed.update({name_key(alias): skills[name_key(target)] for alias, target in alias_table})
    for skill in sorted(skills.values(), key=lambda s: -s.occupations):
        for alias in skill.aliases:
            claimed.setdefault(name_key(alias), skill)
    for skill in skills.values():
        skill.aliases = {a for a in skill.aliases if claimed[name_key(a)] is skill and a != skill.name}
    for alias, target in alias_table:
        skills[name_key(target)].aliases.add(alias)
    return sorted(skills.values(), key=lambda s: s.name.casefold())


def write_skills(skills: list[Skill], path: Path) -> None:
    seen: dict[str, str] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for skill in skills:
            skill_id = slugify(skill.name)
            if skill_id in seen:
                raise ValueError(f"skill_id {skill_id!r} is shared by {seen[skill_id]!r} and {skill.name!r}")
            seen[skill_id] = skill.name
            aliases = sorted(a for a in skill.aliases if "|" not in a)
            writer.writerow([skill_id, skill.name, skill.taxonomy, skill.taxonomy_id, skill.category,
                             str(skill.hot).lower(), "|".join(aliases)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=HERE / "skills.csv")
    args = parser.parse_args(argv)

    onet = build_onet_skills(read_onet(args.shared / ONET_FILE), read_english_words(args.shared))
    concepts = build_esco_skills(read_esco_descriptions(args.shared / ESCO_FILE)) + [
        Skill(name, "marketfit", f"marketfit:{slugify(name)}", category) for name, category in CURATED_CONCEPTS]
    for concept in concepts:
        add_lowercase_spelling(concept)
    tools = [Skill(name, "marketfit", f"marketfit:{slugify(name)}", category) for name, category in CURATED_TOOLS]
    skills = merge([*onet, *concepts, *tools], read_alias_table(HERE / "aliases.csv"))
    write_skills(skills, args.out)
    counts = Counter(skill.taxonomy for skill in skills)
    print(f"wrote {len(skills)} skills to {args.out} ({dict(counts)}), "
          f"{sum(len(s.aliases) for s in skills)} aliases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
