import { ProblemCollector } from './errors';
import { ComponentNameOptions, componentNameProblems, imageProblems, namespaceProblems } from './validation';
import { parseResources, ResourceSpec, Resources, SchedulingProps, schedulingProblems } from './workload';
import { ImageVersion } from '../versions';

/**
 * The one props → model shape of every component (`<c>Model(props, path, namespace)` in each component folder):
 * a pure function that resolves every default once, parses durations and sizes into typed values, and collects every
 * problem under `<path>.<prop>` before it throws them together. The construct calls it first with its construct path
 * and its default namespace (`defaultNamespace(this)`), keeps the result as `model`, and builds its file models
 * (`config`) and objects from it. This module holds the step every component shares.
 */

/** The props every component has. */
export interface ComponentProps {
  readonly namespace?: string;
  readonly name?: string;
  readonly image?: ImageVersion;
  readonly resources?: ResourceSpec;
  readonly scheduling?: SchedulingProps;
}

/** A component's defaults for those props, and the limits of its name. */
export interface ComponentDefaults {
  readonly name: string;
  readonly image: ImageVersion;
  readonly resources: ResourceSpec;
  /** Suffixes of derived names and whether the name is a StatefulSet's (see `componentNameProblems`). @default - none */
  readonly nameOptions?: ComponentNameOptions;
}

/** The shared part of every component model. */
export interface ComponentModel {
  readonly namespace: string;
  readonly name: string;
  readonly image: ImageVersion;
  readonly resources: Resources;
  /** The user's placement, validated. @default - none */
  readonly scheduling?: SchedulingProps;
}

/**
 * Resolves and checks namespace, name, image and resources, adding their problems to `problems`. The result is only
 * meaningful once `problems` holds none (the caller throws them first).
 */
export function componentModel(props: ComponentProps, defaults: ComponentDefaults, path: string, namespace: string, problems: ProblemCollector): ComponentModel {
  const ns = props.namespace ?? namespace;
  const name = props.name ?? defaults.name;
  const image = props.image ?? defaults.image;
  problems.addAll(namespaceProblems(ns, `${path}.namespace`));
  problems.addAll(componentNameProblems(name, `${path}.name`, defaults.nameOptions));
  problems.addAll(imageProblems(image, `${path}.image`));
  const resources = problems.value(() => parseResources(props.resources ?? defaults.resources, `${path}.resources`));
  problems.addAll(schedulingProblems(props.scheduling, `${path}.scheduling`));
  return { namespace: ns, name, image, resources: resources!, scheduling: props.scheduling };
}
