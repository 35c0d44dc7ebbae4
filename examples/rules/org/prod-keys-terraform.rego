# Keys of production instances are created only through Terraform: a key of an instance
# named prod-... (or ...-prod-...) that no Terraform resource declares was made by hand.
package iamlint.rules.org.prod_keys_terraform

import rego.v1

instances := {instance.ref: instance | some instance in input.resource_instances}

production(instance) if regex.match(`(^|-)prod(-|$)`, instance.name)

deny contains denial if {
	some key in input.resource_keys
	key.terraform == null
	instance := instances[key.instance]
	production(instance)
	denial := {
		"ref": key.ref,
		"message": sprintf("key `%v` of production instance `%v` was not created through Terraform", [key.name, instance.name]),
	}
}
