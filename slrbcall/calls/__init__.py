"""Call definitions, the first stage of a call: what the officers publish.

* :mod:`.yamlstrict`: the strict YAML reader (positions kept, no YAML 1.1 surprises);
* :mod:`.spec`: the shape of a call file and of the organisations registry (pydantic);
* :mod:`.forms`: the forms of a call file's texts, shared by the schema and the checks;
* :mod:`.check`: the rules that span several keys, and pydantic's errors in our words;
* :mod:`.definition`: find, read, check and build a :class:`~slrbcall.model.Call`;
* :mod:`.cache`: validated definitions cached by the exact bytes of their files;
* :mod:`.registry`: the organisations (housing companies, partners, communes) by name;
* :mod:`.renew`: the next call drafted from an existing one;
* :mod:`.service`: the use cases the CLI calls (list, show, validate, resolve, renew).

Imports run down the life of a call: this slice imports the kernel only.
"""
