package io.ann4j.runtime.tpu.pjrt;

/**
 * The function-pointer slots of the {@code PJRT_Api} struct, in the order of
 * {@code xla/pjrt/c/pjrt_c_api.h} (API major version 0), up to the last one ann4j calls. Within a
 * major version the header only appends slots, so these offsets hold for every minor version;
 * a plugin's {@code struct_size} says how many slots it has.
 */
enum PjrtFunction {
    Error_Destroy, Error_Message, Error_GetCode,
    Plugin_Initialize, Plugin_Attributes,
    Event_Destroy, Event_IsReady, Event_Error, Event_Await, Event_OnReady,
    Client_Create, Client_Destroy, Client_PlatformName, Client_ProcessIndex, Client_PlatformVersion,
    Client_Devices, Client_AddressableDevices, Client_LookupDevice, Client_LookupAddressableDevice,
    Client_AddressableMemories, Client_Compile, Client_DefaultDeviceAssignment, Client_BufferFromHostBuffer,
    DeviceDescription_Id, DeviceDescription_ProcessIndex, DeviceDescription_Attributes, DeviceDescription_Kind,
    DeviceDescription_DebugString, DeviceDescription_ToString,
    Device_GetDescription, Device_IsAddressable, Device_LocalHardwareId, Device_AddressableMemories,
    Device_DefaultMemory, Device_MemoryStats,
    Memory_Id, Memory_Kind, Memory_DebugString, Memory_ToString, Memory_AddressableByDevices,
    Executable_Destroy, Executable_Name, Executable_NumReplicas, Executable_NumPartitions, Executable_NumOutputs,
    Executable_SizeOfGeneratedCodeInBytes, Executable_GetCostAnalysis, Executable_OutputMemoryKinds,
    Executable_OptimizedProgram, Executable_Serialize,
    LoadedExecutable_Destroy, LoadedExecutable_GetExecutable, LoadedExecutable_AddressableDevices,
    LoadedExecutable_Delete, LoadedExecutable_IsDeleted, LoadedExecutable_Execute,
    Executable_DeserializeAndLoad, LoadedExecutable_Fingerprint,
    Buffer_Destroy, Buffer_ElementType, Buffer_Dimensions, Buffer_UnpaddedDimensions,
    Buffer_DynamicDimensionIndices, Buffer_GetMemoryLayout, Buffer_OnDeviceSizeInBytes, Buffer_Device,
    Buffer_Memory, Buffer_Delete, Buffer_IsDeleted, Buffer_CopyToDevice, Buffer_ToHostBuffer;

    /**
     * Where the slots start: {@code size_t struct_size; PJRT_Extension_Base* extension_start;}
     * then the embedded {@code PJRT_Api_Version} (struct_size, extension_start, int major, int
     * minor: 24 bytes).
     */
    static final long FIRST_SLOT = 8 + 8 + 24;

    /** Byte offset of this slot in {@code PJRT_Api}. */
    long offset() {
        return FIRST_SLOT + 8L * ordinal();
    }

    /** The {@code PJRT_Api.struct_size} a plugin needs for every slot listed here. */
    static long requiredApiSize() {
        return values()[values().length - 1].offset() + 8;
    }

    /** The C name, e.g. {@code PJRT_Client_Create}. */
    String cName() {
        return "PJRT_" + name();
    }
}
